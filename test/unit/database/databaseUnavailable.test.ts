import { isDatabaseUnavailable } from '../../../src/database/databaseUnavailable';

describe('isDatabaseUnavailable tells a lost database from a bug', () => {
  it.each([
    ['a refused socket', { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:5432' }],
    ['a connection exception SQLSTATE', { code: '08006', message: 'connection failure' }],
    ['an administrator terminating the backend', { code: '57P01', message: 'terminating connection due to administrator command' }],
    ['a database refusing connections', { message: 'database "x" is not currently accepting connections' }],
    ['a transaction whose connection died', { message: 'Transaction query already complete, run with DEBUG=knex:tx for more info' }],
    ['a wrapped cause', { message: 'outer', originalError: { message: 'Connection terminated unexpectedly' } }],
  ])('%s is the database being unavailable', (_label, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['a type error', new TypeError("Cannot read properties of undefined (reading 'x')")],
    ['a unique violation', { code: '23505', message: 'duplicate key value violates unique constraint' }],
    ['a missing table', { code: '42P01', message: 'relation "x" does not exist' }],
  ])('%s is not', (_label, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});
