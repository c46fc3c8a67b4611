// A database the first release migrated: it created the proxy's tables where none existed (without keeping a record
// of it) and named its audit indexes like Prisma's. The next migration claims those tables only where no proxy can
// have made them (PGlite), brings them to the current proxy's shape there, and renames its own indexes everywhere.
import { testDatabaseKinds } from '../../support/testDatabases';
import { serverForEachFile } from '../../support/testServer';
import { proxySchemaFixture } from '../../support/proxySchemas';

/** What the first release left: the proxy's tables, its two audit indexes, and its migration recorded as run. */
const FIRST_RELEASE_STATE = [
  `CREATE INDEX "LiteLLM_AuditLog_object_id_updated_at_id_idx" ON "LiteLLM_AuditLog"("object_id", "updated_at", "id")`,
  `CREATE INDEX "LiteLLM_AuditLog_updated_at_id_idx" ON "LiteLLM_AuditLog"("updated_at", "id")`,
  `CREATE TABLE "mikro_orm_migrations" ("id" serial primary key, "name" varchar(255), "executed_at" timestamptz default current_timestamp)`,
  `INSERT INTO "mikro_orm_migrations" ("name") VALUES ('Migration20261126000000_ProxyTables')`,
];

const columnsOf = (sql: (text: string) => Promise<Record<string, unknown>[]>, table: string) =>
  sql(`SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = '${table}' ORDER BY ordinal_position`).then(
    (rows) => rows.map((row) => String(row.column_name)),
  );

const indexNames = (sql: (text: string) => Promise<Record<string, unknown>[]>) =>
  sql(`SELECT indexname FROM pg_indexes WHERE tablename = 'LiteLLM_AuditLog' AND indexname <> 'LiteLLM_AuditLog_pkey' ORDER BY 1`).then((rows) =>
    rows.map((row) => String(row.indexname)),
  );

describe.each(testDatabaseKinds())('a database the first release migrated, on %s', (kind) => {
  let modelColumnsBefore: string[];
  const handle = serverForEachFile(kind, undefined, {
    async beforeStart(database) {
      await database.sql(proxySchemaFixture('older'));
      for (const statement of FIRST_RELEASE_STATE) await database.sql(statement);
      modelColumnsBefore = await columnsOf((text) => database.sql(text), 'LiteLLM_ProxyModelTable');
    },
  });

  const serverSql = (text: string) => handle.server.sql(text);

  it('gives the audit indexes our own names', async () => {
    expect(await indexNames(serverSql)).toEqual(['model_admin_graphql_audit_log_object_idx', 'model_admin_graphql_audit_log_time_idx']);
  });

  if (kind === 'pglite') {
    it('claims the tables on PGlite, where no proxy runs, and adds the models’ blocked column and the credentials table', async () => {
      expect(await columnsOf(serverSql, 'LiteLLM_ProxyModelTable')).toEqual([...modelColumnsBefore, 'blocked']);
      expect(await columnsOf(serverSql, 'LiteLLM_CredentialsTable')).toContain('credential_values');
      const owned = await handle.server.sql(`SELECT table_name FROM model_admin_graphql_owned_tables ORDER BY 1`);
      expect(owned.map((row) => row.table_name)).toContain('LiteLLM_ProxyModelTable');
    });
  } else {
    it("leaves the tables alone on PostgreSQL, where they may be the proxy's: no column added, no credentials table", async () => {
      expect(await columnsOf(serverSql, 'LiteLLM_ProxyModelTable')).toEqual(modelColumnsBefore);
      expect(await columnsOf(serverSql, 'LiteLLM_CredentialsTable')).toEqual([]);
      expect(await handle.server.sql(`SELECT * FROM model_admin_graphql_owned_tables`)).toEqual([]);
    });
  }
});
