// readRows: a repository's SELECT through the ORM's pool with bound parameters, on the transaction's connection
// inside one, its errors converted by the driver, and the statement in MikroORM's query log when `debug` asks for it.
import { DriverException } from '@mikro-orm/postgresql';
import { readRows } from '../../../src/database/readRows';
import { sql, table } from '../../../src/database/sql';
import { TABLES } from '../../../src/database/tables';
import { testDatabaseKinds } from '../../support/testDatabases';
import { ormForEachFile } from '../../support/testOrm';

describe.each(testDatabaseKinds())('readRows on %s', (kind) => {
  const logged: string[] = [];
  const handle = ormForEachFile(kind, () => ({
    debug: ['query'],
    highlighter: undefined,
    logger: (message: string) => logged.push(message),
  }));
  beforeEach(() => logged.splice(0));

  it('binds its values, a quoted "?" staying text', async () => {
    const rows = await readRows<{ answer: string; mark: string }>(handle.orm.em, sql`SELECT ${"it's 42"}::text AS answer, '?' AS mark`);
    expect(rows).toEqual([{ answer: "it's 42", mark: '?' }]);
  });

  it("passes jsonb's ? operator through as an operator", async () => {
    const rows = await readRows<{ has: boolean }>(handle.orm.em, sql`SELECT ${JSON.stringify({ aliases: {} })}::jsonb ? 'aliases' AS has`);
    expect(rows).toEqual([{ has: true }]);
  });

  it("reads inside a transaction on that transaction's connection, seeing its uncommitted writes", async () => {
    const seen = await handle.orm.em.transactional(async (em) => {
      await em.execute(`CREATE TEMPORARY TABLE only_in_this_transaction (id int) ON COMMIT DROP`);
      await em.execute(`INSERT INTO only_in_this_transaction VALUES (7)`);
      return readRows<{ id: number }>(em, sql`SELECT id FROM only_in_this_transaction`);
    });
    expect(seen).toEqual([{ id: 7 }]);
  });

  it('writes the statement, its values written in, and its row count to the query log', async () => {
    await readRows(handle.orm.em, sql`SELECT * FROM ${table(TABLES.proxyModel)} WHERE model_id = ${"no-such-model's id"} AND '?' = '?'`);
    const line = logged.find((message) => message.includes(TABLES.proxyModel));
    expect(line).toContain(`SELECT * FROM "${TABLES.proxyModel}" WHERE model_id = 'no-such-model''s id' AND '?' = '?'`);
    expect(line).toContain('0 results');
  });

  it('logs nothing when the query log is off', async () => {
    handle.orm.config.getLogger().setDebugMode(false);
    try {
      await readRows(handle.orm.em, sql`SELECT 1 AS one`);
    } finally {
      handle.orm.config.getLogger().setDebugMode(['query']);
    }
    expect(logged).toEqual([]);
  });

  it('converts a failing statement as em.execute does, and logs it as an error', async () => {
    const failing = readRows(handle.orm.em, sql`SELECT * FROM "no_such_table"`);
    await expect(failing).rejects.toBeInstanceOf(DriverException);
    await expect(failing).rejects.toThrow(/no_such_table/);
    expect(logged.some((message) => message.includes('no_such_table'))).toBe(true);
  });
});
