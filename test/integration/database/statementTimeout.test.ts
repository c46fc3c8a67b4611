// On PostgreSQL the server's connections cancel a statement that outlives the request deadline
// (statement_timeout = REQUEST_TIMEOUT_MS); the migration lifts the limit for its own transaction.
// PGlite runs every statement to its end whatever the setting, so these run on PostgreSQL only.
import { LIFT_STATEMENT_TIMEOUT_SQL } from '../../../src/database/schema/proxySchema';
import { describeOnPostgres } from '../../support/testDatabases';
import { serverForEachFile } from '../../support/testServer';

const REQUEST_TIMEOUT_MS = 400;

describeOnPostgres('the statement timeout on postgres', () => {
  const handle = serverForEachFile('postgres', () => ({ requestTimeoutMs: REQUEST_TIMEOUT_MS }));

  it('cancels a statement still running after the request timeout', async () => {
    const startedAt = Date.now();
    await expect(handle.server.sql('select pg_sleep(3)')).rejects.toThrow(/statement timeout/);
    expect(Date.now() - startedAt).toBeLessThan(2_500);
  });

  it('lets a statement run on inside a transaction that lifted it, as the migration does', async () => {
    await handle.server.app.orm.em.transactional(async (em) => {
      await em.execute(LIFT_STATEMENT_TIMEOUT_SQL);
      await em.execute(`select pg_sleep(${(2 * REQUEST_TIMEOUT_MS) / 1000})`);
    });
  });

  it('still answers GraphQL requests with the limit on', async () => {
    const response = await handle.server.graphql('{ models(first: 1) { totalCount } }');
    expect(response.errors).toBeUndefined();
    expect(response.data?.models.totalCount).toBe(0);
  });
});
