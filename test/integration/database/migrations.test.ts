// The first migration over a database the LiteLLM proxy already created (built here by hand, as the proxy's
// Prisma migration writes it, independently of src/database/migrations) and over an empty database.
import { ProxyModel } from '../../../src/database/entities/ProxyModel';
import { Team } from '../../../src/database/entities/Team';
import { testDatabaseKinds } from '../../support/testDatabases';
import { serverForEachFile } from '../../support/testServer';
import { proxySchemaFixture } from '../../support/proxySchemas';
import { MIGRATIONS } from '../../../src/database/migrations';

const PROXY_TABLE_NAMES = [
  'LiteLLM_ProxyModelTable',
  'LiteLLM_AuditLog',
  'LiteLLM_TeamTable',
  'LiteLLM_ModelTable',
  'LiteLLM_UserTable',
  'LiteLLM_VerificationToken',
];


const LEGACY_MODEL_ID = 'legacy-string-params';
const LEGACY_PARAMS = { model: 'azure/gpt-35-turbo', api_base: 'https://example.openai.azure.com', api_key: 'bm9uY2UtYW5kLWNpcGhlcnRleHQ=' };
const TEAM_MEMBERS = [
  { user_id: 'alice', user_email: 'alice@example.com', role: 'admin' },
  { user_id: 'bob', user_email: null, role: 'user' },
];

/** Rows as a running proxy leaves them, in every table, including the shapes older proxies wrote. */
const PROXY_ROWS = [
  `INSERT INTO "LiteLLM_ModelTable" ("aliases", "created_by", "updated_by")
   VALUES ('{"gpt-4o": "model_name_team-a_6f1c"}', 'default_user_id', 'default_user_id')`,
  `INSERT INTO "LiteLLM_ProxyModelTable" ("model_id", "model_name", "litellm_params", "model_info", "created_at", "created_by", "updated_at", "updated_by")
   VALUES ('model-object-params', 'model_name_team-a_6f1c',
           '{"model": "openai/gpt-4o", "api_key": "c2VjcmV0Ym94LWNpcGhlcnRleHQ=", "rpm": 60, "stream": true}',
           '{"id": "model-object-params", "team_id": "team-a", "team_public_model_name": "gpt-4o"}',
           '2024-05-01 10:00:00.123', 'default_user_id', '2024-05-02 11:30:00.456', 'alice')`,
  // Older proxies stored litellm_params as a JSON string holding the encoded object.
  `INSERT INTO "LiteLLM_ProxyModelTable" ("model_id", "model_name", "litellm_params", "model_info", "created_by", "updated_by")
   VALUES ('${LEGACY_MODEL_ID}', 'gpt-35', to_jsonb('${JSON.stringify(LEGACY_PARAMS)}'::text), NULL, 'default_user_id', 'default_user_id')`,
  `INSERT INTO "LiteLLM_TeamTable" ("team_id", "team_alias", "organization_id", "admins", "members", "members_with_roles", "metadata",
                                    "max_budget", "spend", "models", "tpm_limit", "model_spend", "model_id")
   VALUES ('team-a', 'Team A', 'org-1', ARRAY['alice'], ARRAY['alice', 'bob'], '${JSON.stringify(TEAM_MEMBERS)}', '{"cost_center": 42}',
           100.5, 12.75, ARRAY['gpt-4o'], 100000, '{"gpt-4o": 12.75}', 1)`,
  `INSERT INTO "LiteLLM_UserTable" ("user_id", "user_alias", "sso_user_id", "teams", "user_role", "spend", "user_email", "metadata")
   VALUES ('alice', 'Alice', 'sso|alice', ARRAY['team-a'], 'internal_user', 3.5, 'alice@example.com', '{"theme": "dark"}')`,
  `INSERT INTO "LiteLLM_UserTable" ("user_id") VALUES ('bob')`,
  `INSERT INTO "LiteLLM_VerificationToken" ("token", "key_name", "key_alias", "spend", "expires", "models", "user_id", "team_id", "metadata", "blocked", "created_by", "updated_by")
   VALUES ('0e4bc6a1c2a3f0c5d1f8e6b0a9e3d2c1b4a5f6e7d8c9b0a1f2e3d4c5b6a7f8e9', 'sk-...abcd', 'ci key', 0.25, '2030-01-01 00:00:00',
           ARRAY['gpt-4o'], 'alice', 'team-a', '{}', false, 'default_user_id', 'default_user_id')`,
  // Older proxies wrote model changes under the alias table's name.
  `INSERT INTO "LiteLLM_AuditLog" ("id", "updated_at", "changed_by", "changed_by_api_key", "action", "table_name", "object_id", "before_value", "updated_values")
   VALUES ('audit-1', '2024-05-02 11:30:00.456', 'alice', '0e4bc6a1', 'updated', 'LiteLLM_ModelTable', 'model-object-params',
           '{"model_name": "gpt-4o"}', to_jsonb('{"model_name": "model_name_team-a_6f1c"}'::text))`,
  `INSERT INTO "LiteLLM_AuditLog" ("id", "action", "table_name", "object_id") VALUES ('audit-2', 'created', 'LiteLLM_ProxyModelTable', '${LEGACY_MODEL_ID}')`,
];

type RunSql = (text: string) => Promise<Record<string, unknown>[]>;

/** Every table of the proxy's (they all start with LiteLLM_), not only the ones this API maps. */
const EVERY_PROXY_TABLE = `table_name LIKE 'LiteLLM\\_%'`;

async function columnsOf(sql: RunSql) {
  return sql(`
    SELECT table_name, column_name, ordinal_position, data_type, udt_name, datetime_precision, is_nullable, column_default
    FROM information_schema.columns
    WHERE table_schema = current_schema() AND ${EVERY_PROXY_TABLE}
    ORDER BY table_name, ordinal_position`);
}

async function constraintsOf(sql: RunSql) {
  return sql(`
    SELECT c.relname AS table_name, k.conname, pg_get_constraintdef(k.oid) AS definition
    FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
    WHERE c.relnamespace = current_schema()::regnamespace AND c.relname LIKE 'LiteLLM\\_%'
    ORDER BY 1, 2`);
}

async function indexesOf(sql: RunSql) {
  return sql(`
    SELECT tablename AS table_name, indexname, indexdef
    FROM pg_indexes WHERE schemaname = current_schema() AND tablename LIKE 'LiteLLM\\_%'
    ORDER BY 1, 2`);
}

/** Every row of every proxy table, as the text Postgres makes of it. */
async function rowsOf(sql: RunSql) {
  const rows: Record<string, string[]> = {};
  for (const table of PROXY_TABLE_NAMES) {
    const result = await sql(`SELECT row_to_json(t)::text AS row FROM "${table}" t ORDER BY 1`);
    rows[table] = result.map((row) => String(row.row));
  }
  return rows;
}

async function snapshot(sql: RunSql) {
  return { columns: await columnsOf(sql), constraints: await constraintsOf(sql), indexes: await indexesOf(sql), rows: await rowsOf(sql) };
}

/** `column type` with NN for not null, the way SPEC.md lists them. */
async function columnShapes(sql: RunSql): Promise<Record<string, string[]>> {
  const rows = await sql(`
    SELECT table_name, column_name || ' ' ||
      CASE WHEN data_type = 'ARRAY' THEN substr(udt_name, 2) || '[]'
           WHEN data_type = 'timestamp without time zone' THEN 'timestamp(' || datetime_precision || ')'
           ELSE udt_name END ||
      CASE WHEN is_nullable = 'NO' THEN ' NN' ELSE '' END AS shape
    FROM information_schema.columns
    WHERE table_schema = current_schema() AND ${EVERY_PROXY_TABLE}
    ORDER BY table_name, column_name`);
  const shapes: Record<string, string[]> = {};
  for (const row of rows) (shapes[String(row.table_name)] ??= []).push(String(row.shape));
  return shapes;
}

/** The first key column of each index on a table. */
async function leadingIndexColumns(sql: RunSql, table: string): Promise<string[]> {
  const rows = await sql(`
    SELECT a.attname AS column_name
    FROM pg_index i
    JOIN pg_class c ON c.oid = i.indrelid
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = i.indkey[0]
    WHERE c.relnamespace = current_schema()::regnamespace AND c.relname = '${table}' AND NOT i.indisprimary`);
  return rows.map((row) => String(row.column_name));
}

describe.each(testDatabaseKinds())('migrations on %s', (kind) => {
  describe.each(['older', 'current'] as const)('over the database the %s LiteLLM proxy created', (proxyVersion) => {
    let before: Awaited<ReturnType<typeof snapshot>>;
    let after: Awaited<ReturnType<typeof snapshot>>;
    const handle = serverForEachFile(kind, undefined, {
      // PGlite serves one connection at a time: database.sql only while no server runs.
      async beforeStart(database) {
        for (const statement of [proxySchemaFixture(proxyVersion), ...PROXY_ROWS]) await database.sql(statement);
        before = await snapshot((text) => database.sql(text));
      },
    });
    const serverSql: RunSql = (text) => handle.server.sql(text);

    beforeAll(async () => {
      after = await snapshot(serverSql);
    });

    it('starts from the proxy tables and rows the test built', () => {
      expect(Object.values(before.rows).map((rows) => rows.length)).toEqual([2, 2, 1, 1, 2, 1]);
      expect(before.columns.filter((column) => column.table_name === 'LiteLLM_TeamTable').map((column) => column.column_name)).toEqual(
        expect.arrayContaining(['spend', 'organization_id', 'model_spend']),
      );
    });

    it('changes, drops and adds no column: names, positions, types, nullability and defaults are as the proxy made them', () => {
      expect(after.columns).toEqual(before.columns);
    });

    it('keeps every row byte-identical', () => {
      expect(after.rows).toEqual(before.rows);
    });

    it("keeps the proxy's constraints and indexes", () => {
      expect(after.constraints).toEqual(before.constraints);
      expect(after.indexes).toEqual(expect.arrayContaining(before.indexes));
    });

    it('adds only its own indexes, under its own prefix: two on LiteLLM_AuditLog, one in the models’ page order', async () => {
      const added = after.indexes.filter((index) => !before.indexes.some((existing) => existing.indexname === index.indexname));
      expect(added.map((index) => `${index.table_name}.${index.indexname}`).sort()).toEqual([
        'LiteLLM_AuditLog.model_admin_graphql_audit_log_object_idx',
        'LiteLLM_AuditLog.model_admin_graphql_audit_log_time_idx',
        'LiteLLM_ProxyModelTable.model_admin_graphql_proxy_model_page_idx',
      ]);
      expect(await leadingIndexColumns(serverSql, 'LiteLLM_AuditLog')).toEqual(expect.arrayContaining(['object_id', 'updated_at']));
      const pageIndex = added.find((index) => index.indexname === 'model_admin_graphql_proxy_model_page_idx');
      expect(pageIndex?.indexdef).toMatch(/USING btree \(created_at, model_id\)$/);
    });

    it('reads the proxy rows through the ORM: a JSON-string litellm_params as an object, members_with_roles as a list', async () => {
      const em = handle.server.app.orm.em.fork();
      const legacy = await em.findOneOrFail(ProxyModel, LEGACY_MODEL_ID);
      expect(legacy.litellmParams).toEqual(LEGACY_PARAMS);
      const team = await em.findOneOrFail(Team, 'team-a');
      expect(team.membersWithRoles).toEqual(TEAM_MEMBERS);
      expect(team.models).toEqual(['gpt-4o']);
    });

    it('applies nothing when migrations run a second time', async () => {
      const migrator = handle.server.app.orm.getMigrator();
      expect(await migrator.getPendingMigrations()).toEqual([]);
      expect(await migrator.up()).toEqual([]);
      expect(await migrator.getExecutedMigrations()).toHaveLength(MIGRATIONS.length);
      expect(await snapshot(serverSql)).toEqual(after);
    });
  });

  describe('on an empty database', () => {
    const handle = serverForEachFile(kind);

    it("creates the proxy's tables in the current proxy's shape, with exactly the columns SPEC.md lists", async () => {
      expect(await columnShapes((text) => handle.server.sql(text))).toEqual({
        LiteLLM_CredentialsTable: [
          'created_at timestamp(3) NN',
          'created_by text NN',
          'credential_id text NN',
          'credential_info jsonb',
          'credential_name text NN',
          'credential_values jsonb NN',
          'updated_at timestamp(3) NN',
          'updated_by text NN',
        ],
        LiteLLM_AuditLog: [
          'action text NN',
          'before_value jsonb',
          'changed_by text NN',
          'changed_by_api_key text NN',
          'id text NN',
          'object_id text NN',
          'table_name text NN',
          'updated_at timestamp(3) NN',
          'updated_values jsonb',
        ],
        LiteLLM_ModelTable: [
          'aliases jsonb',
          'created_at timestamp(3) NN',
          'created_by text NN',
          'id int4 NN',
          'updated_at timestamp(3) NN',
          'updated_by text NN',
        ],
        LiteLLM_ProxyModelTable: [
          'blocked bool NN',
          'created_at timestamp(3) NN',
          'created_by text NN',
          'litellm_params jsonb NN',
          'model_id text NN',
          'model_info jsonb',
          'model_name text NN',
          'updated_at timestamp(3) NN',
          'updated_by text NN',
        ],
        LiteLLM_TeamTable: [
          'admins text[]',
          'blocked bool NN',
          'created_at timestamp(3) NN',
          'members text[]',
          'members_with_roles jsonb NN',
          'metadata jsonb NN',
          'model_id int4',
          'models text[]',
          'team_alias text',
          'team_id text NN',
          'updated_at timestamp(3) NN',
        ],
        LiteLLM_UserTable: [
          'created_at timestamp(3)',
          'metadata jsonb NN',
          'teams text[]',
          'updated_at timestamp(3)',
          'user_email text',
          'user_id text NN',
          'user_role text',
        ],
        LiteLLM_VerificationToken: [
          'blocked bool',
          'created_at timestamp(3)',
          'created_by text',
          'expires timestamp(3)',
          'key_alias text',
          'key_name text',
          'metadata jsonb NN',
          'models text[]',
          'team_id text',
          'token text NN',
          'updated_at timestamp(3)',
          'updated_by text',
          'user_id text',
        ],
      });
    });

    it('reads a litellm_params stored as a JSON-encoded string as an object', async () => {
      await handle.server.sql(
        `INSERT INTO "LiteLLM_ProxyModelTable" ("model_id", "model_name", "litellm_params", "created_by", "updated_by")
         VALUES ('${LEGACY_MODEL_ID}', 'gpt-35', to_jsonb('${JSON.stringify(LEGACY_PARAMS)}'::text), 'default_user_id', 'default_user_id')`,
      );
      const [stored] = await handle.server.sql(`SELECT jsonb_typeof(litellm_params) AS kind FROM "LiteLLM_ProxyModelTable" WHERE model_id = '${LEGACY_MODEL_ID}'`);
      expect(stored.kind).toBe('string');
      const model = await handle.server.app.orm.em.fork().findOneOrFail(ProxyModel, LEGACY_MODEL_ID);
      expect(model.litellmParams).toEqual(LEGACY_PARAMS);
    });
  });
});
