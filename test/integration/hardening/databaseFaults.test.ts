// PostgreSQL going away under load: the server's connections killed in the middle of a burst of mutations,
// then the database refusing connections for a while. Requests fail cleanly, /readyz says so, the server
// recovers by itself, and afterwards the data is whole: every model has its audit row, nothing half-applied.
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { TABLES } from '../../../src/database/tables';
import { addModel, createTeam, createUser } from '../../support/fixtures';
import { leakIn, sendRaw, waitUntil, type RawResponse } from '../../support/hostileHttp';
import { describeOnPostgres } from '../../support/testDatabases';
import { errorCodes, serverForEachFile } from '../../support/testServer';

/** What a request that met a dead connection may answer: the database outage, or a masked internal error. */
const CLEAN_FAILURE_CODES = ['SERVICE_UNAVAILABLE', 'INTERNAL_SERVER_ERROR'];
const BURST_SIZE = 60;
const BURST_CONCURRENCY = 6;

describe('the embedded database going away', () => {
  // A PGlite of its own: the test stops it under the running server.
  const handle = serverForEachFile('pglite', undefined, { ownPglite: true });
  beforeAll(async () => {
    await addModel(handle.server);
  });

  it('fails requests cleanly with SERVICE_UNAVAILABLE and reports 503 on /readyz, while /healthz and `me` still answer', async () => {
    await handle.database.drop();
    const response = await sendRaw(`${handle.server.url}/graphql`, { body: JSON.stringify({ query: '{ models { totalCount } }' }) });
    expect(leakIn(response.text)).toBeNull();
    expect(errorCodes(response)).toEqual(['SERVICE_UNAVAILABLE']);
    expect((await fetch(`${handle.server.url}/readyz`)).status).toBe(503);
    expect((await fetch(`${handle.server.url}/healthz`)).status).toBe(200);
    expect((await handle.server.graphql('{ me { userId } }')).data).toEqual({ me: { userId: 'default_user_id' } });
  });
});

describeOnPostgres('database faults (PostgreSQL)', () => {
  let admin: Client;
  let databaseName: string;
  let teamId: string;

  // Declared before the server's hooks so that it connects first and lets go first.
  beforeAll(async () => {
    admin = new Client({ connectionString: process.env.TEST_DATABASE_URL });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.query(`alter database "${databaseName}" with allow_connections true`).catch(() => undefined);
    await admin?.end();
  });
  const handle = serverForEachFile('postgres');
  beforeAll(async () => {
    databaseName = new URL(handle.database.url).pathname.slice(1);
    teamId = await createTeam(handle.server, [{ userId: await createUser(handle.server), role: 'ADMIN' }]);
  });

  /** Ends every session on the test database but the admin's own (which is on another database). */
  async function killServerConnections(): Promise<number> {
    const result = await admin.query('select count(pg_terminate_backend(pid))::int as killed from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [databaseName]);
    return result.rows[0].killed;
  }

  const graphql = (query: string, variables: Record<string, unknown>) => sendRaw(`${handle.server.url}/graphql`, { body: JSON.stringify({ query, variables }) });

  function expectCleanOutcome(response: RawResponse): 'ok' | 'failed' {
    expect(leakIn(response.text)).toBeNull();
    expect(response.status).toBeLessThan(500);
    const codes = errorCodes(response);
    if (codes.length === 0) return 'ok';
    expect(codes.every((code) => CLEAN_FAILURE_CODES.includes(code))).toBe(true);
    return 'failed';
  }

  async function readyStatus(): Promise<number> {
    return (await fetch(`${handle.server.url}/readyz`)).status;
  }

  it('fails requests cleanly when its connections are killed mid-burst, and recovers without a restart', async () => {
    const patchTargets = await Promise.all(Array.from({ length: 4 }, () => addModel(handle.server)));
    const deleteTargets = await Promise.all(
      Array.from({ length: 8 }, (_, i) => addModel(handle.server, { modelName: `to-delete-${i}`, modelInfo: i % 2 ? { team_id: teamId } : undefined })),
    );
    const operations: (() => Promise<RawResponse>)[] = [];
    for (let i = 0; i < BURST_SIZE; i += 1) {
      if (i % 3 === 0) {
        const modelInfo = i % 2 ? { team_id: teamId } : undefined;
        operations.push(() =>
          graphql('mutation ($input: AddModelInput!) { addModel(input: $input) { id } }', { input: { modelName: `burst-${i}-${randomUUID().slice(0, 6)}`, litellmParams: { model: 'x/y', api_key: 'sk-burst-secret' }, modelInfo } }),
        );
      } else if (i % 7 === 1 && deleteTargets.length) {
        const target = deleteTargets.pop()!;
        operations.push(() => graphql('mutation ($id: ID!) { deleteModel(id: $id) { id } }', { id: target.id }));
      } else {
        const target = patchTargets[i % patchTargets.length];
        operations.push(() => graphql('mutation ($id: ID!, $p: JSON) { patchModel(id: $id, patch: { litellmParams: $p }) { id } }', { id: target.id, p: { [`burst_key_${i}`]: i } }));
      }
    }

    const outcomes: ('ok' | 'failed')[] = [];
    let next = 0;
    let killed = 0;
    const killAt = new Set([Math.floor(BURST_SIZE / 4), Math.floor(BURST_SIZE / 2), Math.floor((3 * BURST_SIZE) / 4)]);
    await Promise.all(
      Array.from({ length: BURST_CONCURRENCY }, async () => {
        while (next < operations.length) {
          const index = next;
          next += 1;
          if (killAt.has(index)) killed += await killServerConnections();
          outcomes.push(expectCleanOutcome(await operations[index]()));
        }
      }),
    );
    expect(killed).toBeGreaterThan(0);
    expect(outcomes.filter((outcome) => outcome === 'ok').length).toBeGreaterThan(0);

    // Recovery: the pool replaces what was killed; the next requests go through.
    await waitUntil('ready again', async () => (await readyStatus()) === 200);
    for (let i = 0; i < 3; i += 1) {
      const response = await graphql('mutation ($input: AddModelInput!) { addModel(input: $input) { id } }', { input: { modelName: `after-burst-${i}`, litellmParams: { model: 'x/y' } } });
      expect(errorCodes(response)).toEqual([]);
    }
    await expectDataWhole();
  });

  it('reports 503 on /readyz and fails requests cleanly while the database refuses connections, then recovers by itself', async () => {
    await admin.query(`alter database "${databaseName}" with allow_connections false`);
    try {
      await killServerConnections();
      await waitUntil('/readyz reports the outage', async () => (await readyStatus()) === 503);
      for (let i = 0; i < 3; i += 1) {
        const started = Date.now();
        const response = await graphql('mutation ($input: AddModelInput!) { addModel(input: $input) { id } }', { input: { modelName: `during-outage-${i}`, litellmParams: { model: 'x/y' } } });
        expect(expectCleanOutcome(response)).toBe('failed');
        expect(errorCodes(response)).toEqual(['SERVICE_UNAVAILABLE']);
        // Fails fast enough for a client to retry, rather than hanging on the pool.
        expect(Date.now() - started).toBeLessThan(20_000);
      }
      const reads = await graphql('{ models { totalCount } }', {});
      expect(errorCodes(reads)).toEqual(['SERVICE_UNAVAILABLE']);
      // What needs no database still works.
      expect((await graphql('{ me { userId } }', {})).json?.data).toEqual({ me: { userId: 'default_user_id' } });
      expect((await fetch(`${handle.server.url}/healthz`)).status).toBe(200);
    } finally {
      await admin.query(`alter database "${databaseName}" with allow_connections true`);
    }

    await waitUntil('ready again', async () => (await readyStatus()) === 200);
    for (let i = 0; i < 5; i += 1) {
      const response = await graphql('mutation ($input: AddModelInput!) { addModel(input: $input) { id } }', { input: { modelName: `after-outage-${i}`, litellmParams: { model: 'x/y' } } });
      expect(errorCodes(response)).toEqual([]);
    }
    await expectDataWhole();
  });

  /** Every model has its created row; every created row's model exists or was deleted; team lists match the models. */
  async function expectDataWhole(): Promise<void> {
    const models = await handle.database.sql<{ model_id: string; model_name: string; model_info: Record<string, any>; litellm_params: Record<string, unknown> }>(
      `select model_id, model_name, model_info, litellm_params from "${TABLES.proxyModel}"`,
    );
    const audit = await handle.database.sql<{ object_id: string; action: string }>(`select object_id, action from "${TABLES.auditLog}" where table_name = $1`, [TABLES.proxyModel]);
    const actionsOf = (id: string) => audit.filter((row) => row.object_id === id).map((row) => row.action);

    for (const model of models) {
      expect({ id: model.model_id, created: actionsOf(model.model_id).filter((action) => action === 'created').length }).toEqual({ id: model.model_id, created: 1 });
      // Each patch of the burst added one key: a key without its audit row (or the reverse) is a half-applied patch.
      const burstKeys = Object.keys(model.litellm_params).filter((key) => key.startsWith('burst_key_'));
      expect({ id: model.model_id, updates: actionsOf(model.model_id).filter((action) => action === 'updated').length }).toEqual({ id: model.model_id, updates: burstKeys.length });
    }
    const existing = new Set(models.map((model) => model.model_id));
    for (const row of audit.filter((entry) => entry.action === 'created')) {
      expect({ id: row.object_id, existsOrDeleted: existing.has(row.object_id) || actionsOf(row.object_id).includes('deleted') }).toEqual({ id: row.object_id, existsOrDeleted: true });
    }
    for (const row of audit.filter((entry) => entry.action === 'deleted')) expect(existing.has(row.object_id)).toBe(false);

    const [team] = await handle.database.sql<{ models: string[]; aliases: Record<string, string> | null }>(
      `select t.models, a.aliases from "${TABLES.team}" t left join "${TABLES.teamModelAliases}" a on a.id = t.model_id where t.team_id = $1`,
      [teamId],
    );
    const teamModels = models.filter((model) => model.model_info?.team_id === teamId);
    const publicNames = [...new Set(teamModels.map((model) => model.model_info.team_public_model_name as string))].sort();
    // Our own database has a current proxy's shape, so no alias is written (a current proxy routes by team_public_model_name).
    expect(team.aliases ?? {}).toEqual({});
    expect([...(team.models ?? [])].sort()).toEqual(publicNames);
  }
});
