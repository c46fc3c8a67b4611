// A request that runs past REQUEST_TIMEOUT_MS is answered 503 REQUEST_TIMEOUT, and its mutation either
// committed whole before the deadline or rolls back whole: never half-applied, never committed after the answer.
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { REQUEST_TIMEOUT_CODE } from '../../../src/errors/errorCodes';
import { TABLES } from '../../../src/database/tables';
import { addModel } from '../../support/fixtures';
import { leakIn, sendRaw, waitUntil } from '../../support/hostileHttp';
import { describeOnPostgres } from '../../support/testDatabases';
import { errorCodes, serverForEachFile, type TestServer } from '../../support/testServer';

const ADD_MODEL = 'mutation ($input: AddModelInput!) { addModel(input: $input) { id } }';

async function storedFootprint(server: TestServer, modelId: string) {
  const models = await server.sql(`select 1 from "${TABLES.proxyModel}" where model_id = ?`, [modelId]);
  const audit = await server.sql(`select action from "${TABLES.auditLog}" where object_id = ?`, [modelId]);
  return { models: models.length, auditRows: audit.length };
}

describe('a request that outlives REQUEST_TIMEOUT_MS (embedded database)', () => {
  // Nothing finishes within a millisecond: every request passes its deadline while still running.
  const handle = serverForEachFile('pglite', () => ({ requestTimeoutMs: 1 }));

  it('is answered 503 with a clean error, and its mutation leaves no row and no audit row', async () => {
    const outcomes: { id: string; status: number; codes: string[] }[] = [];
    for (let i = 0; i < 5; i += 1) {
      const id = `timed-out-${randomUUID()}`;
      const response = await sendRaw(`${handle.server.url}/graphql`, {
        body: JSON.stringify({ query: ADD_MODEL, variables: { input: { modelName: 'slow', litellmParams: { model: 'x/y', api_key: 'sk-secret-123456' }, modelInfo: { id } } } }),
      });
      expect(leakIn(response.text)).toBeNull();
      outcomes.push({ id, status: response.status, codes: errorCodes(response) });
    }
    // The raw-SQL connection is the server's one PGlite connection: it is handed out once the abandoned work let go of it.
    for (const outcome of outcomes) {
      const footprint = await storedFootprint(handle.server, outcome.id);
      if (outcome.status === 503) {
        expect(outcome.codes).toEqual([REQUEST_TIMEOUT_CODE]);
        expect(footprint).toEqual({ models: 0, auditRows: 0 });
      } else {
        // It was committing when the deadline passed: then it was let finish and reported as done.
        expect(outcome).toMatchObject({ status: 200, codes: [] });
        expect(footprint).toEqual({ models: 1, auditRows: 1 });
      }
    }
    expect(outcomes.filter((outcome) => outcome.status === 503).length).toBeGreaterThan(0);
  });

  it('keeps /healthz and /readyz, which are not GraphQL requests, answering', async () => {
    expect((await fetch(`${handle.server.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${handle.server.url}/readyz`)).status).toBe(200);
  });
});

describeOnPostgres('a mutation blocked on a row lock past REQUEST_TIMEOUT_MS (PostgreSQL)', () => {
  let locker: Client;
  // Declared first so that it runs first: the locker's connection ends before the database is dropped.
  afterAll(async () => {
    await locker?.end();
  });
  const handle = serverForEachFile('postgres', () => ({ requestTimeoutMs: 1_500 }));
  beforeAll(async () => {
    locker = new Client({ connectionString: handle.database.url });
    await locker.connect();
  });

  it('is answered 503 while it waits, then rolls back instead of committing once the lock is gone', async () => {
    const model = await addModel(handle.server, { litellmParams: { model: 'x/y', rpm: 1 } });
    await locker.query('begin');
    await locker.query(`select 1 from "${TABLES.proxyModel}" where model_id = $1 for update`, [model.id]);

    const response = await sendRaw(`${handle.server.url}/graphql`, {
      body: JSON.stringify({ query: 'mutation ($id: ID!) { patchModel(id: $id, patch: { litellmParams: { rpm: 2 } }) { id } }', variables: { id: model.id } }),
    });
    expect(response.status).toBe(503);
    expect(errorCodes(response)).toEqual([REQUEST_TIMEOUT_CODE]);

    await locker.query('commit');
    // The abandoned patch now gets the lock, writes, and is refused at COMMIT: wait until its connection is idle.
    await waitUntil('the abandoned patch has ended', async () => {
      const busy = await locker.query(
        `select count(*)::int as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and state <> 'idle'`,
      );
      return busy.rows[0].n === 0;
    });
    const stored = await locker.query(`select litellm_params from "${TABLES.proxyModel}" where model_id = $1`, [model.id]);
    expect(stored.rows[0].litellm_params.rpm).toBe(1);
    const updates = await locker.query(`select 1 from "${TABLES.auditLog}" where object_id = $1 and action = 'updated'`, [model.id]);
    expect(updates.rows).toHaveLength(0);

    // The next request, in time, goes through.
    const retry = await handle.server.graphql('mutation ($id: ID!) { patchModel(id: $id, patch: { litellmParams: { rpm: 3 } }) { litellmParams } }', { id: model.id });
    expect(retry.errors).toBeUndefined();
    expect(retry.data?.patchModel.litellmParams.rpm).toBe(3);
  });
});
