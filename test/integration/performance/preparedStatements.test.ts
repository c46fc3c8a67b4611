// The repositories' SELECTs are prepared by name on each connection (src/database/readRows.ts): PostgreSQL parses and
// plans them once per connection. DATABASE_PREPARED_STATEMENTS=false (a pooler that cannot carry them) runs them
// unnamed. Read from pg_prepared_statements, which shows the current session's: one connection, so every statement
// and the check run in the same session.
import { TABLES } from '../../../src/database/tables';
import { addModel } from '../../support/fixtures';
import { MODEL, MODELS } from '../../support/modelApi';
import { testDatabaseKinds } from '../../support/testDatabases';
import { serverForEachFile } from '../../support/testServer';

interface Prepared {
  name: string;
  statement: string;
}

describe.each(testDatabaseKinds())('prepared statements, on %s', (kind) => {
  describe('on a database server', () => {
    // Asked for on PGlite too (the test servers prepare nothing there, as the embedded database does not).
    const handle = serverForEachFile(kind, () => ({ databasePoolSize: 1, databasePreparedStatements: true }), { ownPglite: true });

    it('prepares a statement once per connection and runs it again by name, with the values bound', async () => {
      const { server } = handle;
      const ids = [(await addModel(server)).id, (await addModel(server)).id];
      for (const id of [...ids, ...ids]) expect((await server.graphql(MODEL, { id })).data?.model?.id).toBe(id);
      expect((await server.graphql(MODELS, { first: 10 })).errors).toBeUndefined();
      const prepared = await server.sql<Prepared>(`SELECT name, statement FROM pg_prepared_statements WHERE name LIKE 'model\\_admin\\_graphql\\_%'`);
      const byId = prepared.filter(({ statement }) => statement.includes(`FROM "${TABLES.proxyModel}" WHERE model_id = $1`));
      expect(byId).toHaveLength(1);
      expect(prepared.some(({ statement }) => statement.includes('ORDER BY created_at, model_id LIMIT $'))).toBe(true);
      for (const { statement } of prepared) for (const id of ids) expect(statement).not.toContain(id);
      // Names are unique per text.
      expect(new Set(prepared.map(({ name }) => name)).size).toBe(prepared.length);
    });
  });

  describe('while the proxy migrates its tables', () => {
    const handle = serverForEachFile(kind, () => ({ databasePoolSize: 1, databasePreparedStatements: true }), { ownPglite: true });

    it('reads on after a column is added to the model and audit tables under statements already prepared', async () => {
      const { server } = handle;
      const { id } = await addModel(server);
      const HISTORY = 'query ($id: ID!) { auditLogs(filter: { objectId: $id }, first: 5) { edges { node { id action model { id } } } } modelHistory(id: $id, first: 5) { edges { node { id } } } }';
      const readAll = async () => {
        for (const [query, variables] of [[MODEL, { id }], [MODELS, { first: 10 }], [HISTORY, { id }]] as const) {
          const response = await server.graphql(query, variables);
          expect(response.errors).toBeUndefined();
        }
      };
      await readAll();
      await server.sql(`ALTER TABLE "${TABLES.auditLog}" ADD COLUMN added_by_a_later_proxy text`);
      await server.sql(`ALTER TABLE "${TABLES.proxyModel}" ADD COLUMN added_by_a_later_proxy text`);
      await readAll();
    });
  });

  describe('with DATABASE_PREPARED_STATEMENTS=false', () => {
    const handle = serverForEachFile(kind, () => ({ databasePoolSize: 1, databasePreparedStatements: false }));

    it('prepares none', async () => {
      const { server } = handle;
      const { id } = await addModel(server);
      expect((await server.graphql(MODEL, { id })).data?.model?.id).toBe(id);
      expect(await server.sql(`SELECT name FROM pg_prepared_statements WHERE name LIKE 'model\\_admin\\_graphql\\_%'`)).toEqual([]);
    });
  });
});
