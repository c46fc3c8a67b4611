// readRows: a hand-written SELECT through the ORM's pool with bound parameters, its errors converted by the
// driver, and the statement in MikroORM's query log when `debug` asks for it.
import { DriverException } from '@mikro-orm/postgresql';
import { readRows } from '../../../src/database/readRows';
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

  it('binds its parameters, a quoted "?" staying text', async () => {
    const rows = await readRows<{ answer: string; mark: string }>(handle.orm.em, "SELECT ?::text AS answer, '?' AS mark", ["it's 42"]);
    expect(rows).toEqual([{ answer: "it's 42", mark: '?' }]);
  });

  it('writes the statement, its values written in, and its row count to the query log', async () => {
    await readRows(handle.orm.em, `SELECT * FROM "${TABLES.proxyModel}" WHERE model_id = ? AND '?' = '?'`, ["no-such-model's id"]);
    const line = logged.find((message) => message.includes(TABLES.proxyModel));
    expect(line).toContain(`SELECT * FROM "${TABLES.proxyModel}" WHERE model_id = 'no-such-model''s id' AND '?' = '?'`);
    expect(line).toContain('0 results');
  });

  it('logs nothing when the query log is off', async () => {
    handle.orm.config.getLogger().setDebugMode(false);
    try {
      await readRows(handle.orm.em, 'SELECT 1 AS one');
    } finally {
      handle.orm.config.getLogger().setDebugMode(['query']);
    }
    expect(logged).toEqual([]);
  });

  it('converts a failing statement as em.execute does, and logs it as an error', async () => {
    const failing = readRows(handle.orm.em, 'SELECT * FROM "no_such_table"');
    await expect(failing).rejects.toBeInstanceOf(DriverException);
    await expect(failing).rejects.toThrow(/no_such_table/);
    expect(logged.some((message) => message.includes('no_such_table'))).toBe(true);
  });
});
