import { describeDatabaseError, OMITTED_STATEMENT, REDACTED_VALUE, withoutStatements } from '../../../src/errors/describeDatabaseError';

const SECRET = 'sk-inline-secret-0123456789';
// As knex writes a failed statement into the error's message, values inlined, and MikroORM appends detail.
const KNEX_MESSAGE = `update "LiteLLM_ProxyModelTable" set "litellm_params" = '{"api_key":"${SECRET}"}' where "model_id" = 'm1' - canceling statement due to statement timeout`;

describe('withoutStatements', () => {
  it.each([
    [`Connection Error: Error: ${KNEX_MESSAGE}`, `Connection Error: Error: ${OMITTED_STATEMENT} - canceling statement due to statement timeout`],
    [`Unexpected error processing request: DriverException: ${KNEX_MESSAGE}`, `Unexpected error processing request: DriverException: ${OMITTED_STATEMENT} - canceling statement due to statement timeout`],
    [`Migration Migration20260101 (up) failed: Original error: ${KNEX_MESSAGE}`, `Migration Migration20260101 (up) failed: Original error: ${OMITTED_STATEMENT} - canceling statement due to statement timeout`],
    [KNEX_MESSAGE, `${OMITTED_STATEMENT} - canceling statement due to statement timeout`],
  ])('omits the statement of %s and keeps what the database said', (text, expected) => {
    expect(withoutStatements(text)).toBe(expected);
  });

  it("drops the detail MikroORM appends (it lists the row's values)", () => {
    const text = `insert into "t" ("a") values ('${SECRET}') - duplicate key value violates unique constraint "t_pkey"\n - detail: Key (a)=(${SECRET}) already exists.`;
    expect(withoutStatements(text)).toBe(`${OMITTED_STATEMENT} - duplicate key value violates unique constraint "t_pkey"`);
  });

  it("redacts a value quoted in the database's own message, keeping identifiers", () => {
    expect(withoutStatements(`select '${SECRET}'::int - invalid input syntax for type integer: "${SECRET}"`)).toBe(`${OMITTED_STATEMENT} - invalid input syntax for type integer: ${REDACTED_VALUE}`);
    expect(withoutStatements(`select 1 from "x" where a = '${SECRET}' - relation "x" does not exist`)).toBe(`${OMITTED_STATEMENT} - relation "x" does not exist`);
  });

  it('a value holding " - " of its own cannot pass as the database message', () => {
    const text = `insert into "t" values ('a - ${SECRET} - b') - value too long for type character varying(10)`;
    expect(withoutStatements(text)).toBe(`${OMITTED_STATEMENT} - value too long for type character varying(10)`);
  });

  it.each([
    'Connection Error: Connection ended unexpectedly',
    'Defined query timeout of 1500ms exceeded when running query.',
    'Could not update the model - it is defined in the config file',
    'Pool config option "x" is no longer supported.',
  ])('leaves text holding no statement as it is: %s', (text) => {
    expect(withoutStatements(text)).toBe(text);
  });
});

describe('describeDatabaseError', () => {
  it('is undefined for errors that are not the database\'s', () => {
    expect(describeDatabaseError(new Error('boom'))).toBeUndefined();
    expect(describeDatabaseError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBeUndefined();
    expect(describeDatabaseError('text')).toBeUndefined();
  });

  it('describes a knex error carrying its statement (a timeout acquiring a connection) without sql or bindings', () => {
    const error = Object.assign(new Error('Knex: Timeout acquiring a connection. The pool is probably full.'), { sql: `select '${SECRET}'`, bindings: [SECRET] });
    expect(describeDatabaseError(error)).toEqual({ type: 'Error', message: 'Knex: Timeout acquiring a connection. The pool is probably full.' });
  });

  it("keeps an identifier's quotes only after the word naming it; a value quoted anywhere else is redacted to the last quote", () => {
    const error = Object.assign(new Error(`select 1 - invalid input value for enum x: "${SECRET}" and "more"`), { code: '22P02', severity: 'ERROR' });
    expect(describeDatabaseError(error)?.message).toBe(`invalid input value for enum x: ${REDACTED_VALUE}`);
  });
});
