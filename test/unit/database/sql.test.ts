import { join, sql, table, trusted, where } from '../../../src/database/sql';

describe('sql fragments', () => {
  it('numbers each interpolated value as PostgreSQL does, in order', () => {
    const statement = sql`SELECT * FROM t WHERE a = ${1} AND b = ${'two'}`;
    expect(statement.text).toBe('SELECT * FROM t WHERE a = $1 AND b = $2');
    expect(statement.values).toEqual([1, 'two']);
  });

  it('splices a nested fragment in with its values, renumbering them', () => {
    const condition = sql`b = ${'two'} OR c = ${3}`;
    const statement = sql`SELECT ${trusted('id')} FROM ${table('LiteLLM_ProxyModelTable')} WHERE a = ${1} AND (${condition}) LIMIT ${10}`;
    expect(statement.text).toBe('SELECT id FROM "LiteLLM_ProxyModelTable" WHERE a = $1 AND (b = $2 OR c = $3) LIMIT $4');
    expect(statement.values).toEqual([1, 'two', 3, 10]);
  });

  it("leaves text alone: a '?' or '$1' written in the SQL is not a placeholder", () => {
    const statement = sql`SELECT '?', '$1', data ? 'key' FROM t WHERE id = ${'x'}`;
    expect(statement.text).toBe(`SELECT '?', '$1', data ? 'key' FROM t WHERE id = $1`);
  });

  it('joins conditions, and writes no WHERE for none', () => {
    expect(where([]).text).toBe('');
    const clause = where([sql`a = ${1}`, sql`b = ${2}`]);
    expect(clause.text).toBe('WHERE a = $1 AND b = $2');
    expect(join([sql`x = ${1}`], ', ').values).toEqual([1]);
  });
});
