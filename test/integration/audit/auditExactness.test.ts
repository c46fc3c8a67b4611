// Exactly one audit row per changed row, under load and across a crash: concurrent mixed mutations
// write one entry for each change a successful response reports and none for a failed one, and a
// server killed with SIGKILL mid-burst leaves no model without its 'created' entry and no 'created'
// entry without its model.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { startEmbeddedDatabase } from '../../../src/database/embedded/EmbeddedDatabase';
import { TABLES } from '../../../src/database/tables';
import { startCompiledServer, type CompiledServer } from '../../support/compiledServer';
import { addModel } from '../../support/fixtures';
import { createTestDatabase, testDatabaseKinds, type DatabaseKind } from '../../support/testDatabases';
import { postGraphql, serverForEachFile, TEST_MASTER_KEY, type GraphqlResponse } from '../../support/testServer';

/** Mutations in the concurrent burst, and the models they work on. */
const POOL_SIZE = 10;
const BURST_SIZE = 60;

/** The crash test: addModel calls fired, how many at a time, and how many answers before the kill. */
const CRASH_BURST_SIZE = 200;
const CRASH_CONCURRENCY = 20;
const ANSWERS_BEFORE_KILL = 50;

type Action = 'created' | 'updated' | 'deleted';

interface Mutation {
  /** The model the mutation changes when it succeeds. */
  modelId: string;
  /** The audit action a success implies. */
  action: Action;
  query: string;
  variables: Record<string, unknown>;
}

const ADD = 'mutation ($input: AddModelInput!) { addModel(input: $input) { id } }';
const UPDATE = 'mutation ($input: UpdateModelInput!) { updateModel(input: $input) { id } }';
const PATCH = 'mutation ($id: ID!, $patch: PatchModelInput!) { patchModel(id: $id, patch: $patch) { id } }';
const DELETE = 'mutation ($id: ID!) { deleteModel(id: $id) { id } }';

const addMutation = (modelId: string): Mutation => ({
  modelId,
  action: 'created',
  query: ADD,
  variables: { input: { modelName: `burst-${modelId.slice(0, 8)}`, litellmParams: { model: 'openai/gpt-4o', api_key: 'sk-burst-secret-0123456789' }, modelInfo: { id: modelId } } },
});

/**
 * A shuffled mix over the pool: adds (some pairs racing for one id, so one of each pair fails), updates and
 * patches that each change something (an update that changes nothing is rightly not audited), and
 * deletes (each pool model deleted twice at most, so the second fails), interleaved with the rest.
 */
function mixedBurst(pool: readonly string[]): Mutation[] {
  const mutations: Mutation[] = [];
  for (let i = 0; i < 12; i++) mutations.push(addMutation(randomUUID()));
  for (let i = 0; i < 4; i++) {
    const contested = randomUUID();
    mutations.push(addMutation(contested), addMutation(contested));
  }
  for (let i = 0; i < 14; i++) {
    const modelId = pool[i % pool.length];
    mutations.push({ modelId, action: 'updated', query: UPDATE, variables: { input: { id: modelId, litellmParams: { rpm: 1000 + i } } } });
  }
  for (let i = 0; i < 14; i++) {
    const modelId = pool[(i * 3) % pool.length];
    mutations.push({ modelId, action: 'updated', query: PATCH, variables: { id: modelId, patch: { modelName: `patched-${i}`, modelInfo: { patch_number: i } } } });
  }
  for (let i = 0; i < 12; i++) {
    const modelId = pool[i % 6];
    mutations.push({ modelId, action: 'deleted', query: DELETE, variables: { id: modelId } });
  }
  expect(mutations).toHaveLength(BURST_SIZE);
  return shuffled(mutations);
}

function shuffled<T>(items: T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

function countKey(objectId: string, action: string): string {
  return `${objectId} ${action}`;
}

describe.each(testDatabaseKinds())('audit exactness on %s', (kind) => {
  describe('under concurrent mixed mutations', () => {
    const handle = serverForEachFile(kind);

    const auditRowCount = async () => Number((await handle.server.sql(`select count(*) as count from "${TABLES.auditLog}"`))[0].count);

    it(`${BURST_SIZE} concurrent adds, updates, patches and deletes write exactly one row per change that succeeded`, async () => {
      const pool: string[] = [];
      for (let i = 0; i < POOL_SIZE; i++) pool.push((await addModel(handle.server)).id);
      const rowsBefore = await auditRowCount();
      const burst = mixedBurst(pool);

      const responses = await Promise.all(burst.map((mutation) => handle.server.graphql(mutation.query, mutation.variables)));

      const expected = new Map<string, number>(pool.map((id) => [countKey(id, 'created'), 1]));
      const failures: string[] = [];
      responses.forEach((response, index) => {
        const { modelId, action } = burst[index];
        if (response.errors) {
          failures.push(response.errors[0].extensions?.code ?? 'none');
          return;
        }
        expect(response.data).not.toBeNull();
        expected.set(countKey(modelId, action), (expected.get(countKey(modelId, action)) ?? 0) + 1);
      });

      // The races lose the way the rules say, never with an internal error.
      expect(failures.filter((code) => code !== 'CONFLICT' && code !== 'NOT_FOUND')).toEqual([]);
      expect(failures.filter((code) => code === 'CONFLICT')).toHaveLength(4);
      const successes = BURST_SIZE - failures.length;

      const objectIds = [...new Set([...pool, ...burst.map((mutation) => mutation.modelId)])];
      const counted = await handle.server.sql<{ object_id: string; action: string; count: string }>(
        `select object_id, action, count(*) as count from "${TABLES.auditLog}"
         where table_name = ? and object_id in (${objectIds.map(() => '?').join(', ')}) group by object_id, action`,
        [TABLES.proxyModel, ...objectIds],
      );
      const actual = new Map(counted.map((row) => [countKey(row.object_id, row.action), Number(row.count)]));
      expect(Object.fromEntries([...actual].sort())).toEqual(Object.fromEntries([...expected].sort()));
      // And nothing else was written: no entry for a failure, none for another table.
      expect((await auditRowCount()) - rowsBefore).toBe(successes);

      // Each successful delete removed its model; every other model of the burst is there.
      const deleted = new Set(burst.filter((mutation, index) => mutation.action === 'deleted' && !responses[index].errors).map((mutation) => mutation.modelId));
      const remaining = await handle.server.sql<{ model_id: string }>(
        `select model_id from "${TABLES.proxyModel}" where model_id in (${objectIds.map(() => '?').join(', ')})`,
        objectIds,
      );
      expect(new Set(remaining.map((row) => row.model_id))).toEqual(new Set(objectIds.filter((id) => !deleted.has(id))));
    });
  });

  describe('across a server killed with SIGKILL', () => {
    let cleanup: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const step of cleanup.reverse()) await step();
      cleanup = [];
    });

    it('leaves no model without its created entry and no created entry without its model', async () => {
      const target = await crashTarget(kind);
      cleanup.push(target.dispose);

      const server = await startCompiledServer(
        { ...target.env, HOST: '127.0.0.1', LOG_LEVEL: 'info', LITELLM_MASTER_KEY: TEST_MASTER_KEY },
        { cwd: target.workDir, startTimeoutMs: 30_000 },
      );
      cleanup.push(async () => void server.child.kill('SIGKILL'));
      const outcome = await addModelsUntilKilled(server);

      expect(outcome.answered.length).toBeGreaterThanOrEqual(ANSWERS_BEFORE_KILL);
      expect(outcome.answered.length).toBeLessThan(CRASH_BURST_SIZE);
      await server.exited;

      const sql = await target.openForChecks();
      const modelsWithoutEntry = await sql(
        `select m.model_id from "${TABLES.proxyModel}" m
         left join "${TABLES.auditLog}" a on a.object_id = m.model_id and a.table_name = $1 and a.action = 'created'
         where a.id is null`,
        [TABLES.proxyModel],
      );
      const entriesWithoutModel = await sql(
        `select a.object_id from "${TABLES.auditLog}" a
         left join "${TABLES.proxyModel}" m on m.model_id = a.object_id
         where a.table_name = $1 and a.action = 'created' and m.model_id is null`,
        [TABLES.proxyModel],
      );
      const models = (await sql(`select model_id from "${TABLES.proxyModel}"`)).map((row) => row.model_id as string);

      expect(modelsWithoutEntry).toEqual([]);
      expect(entriesWithoutModel).toEqual([]);
      // What the server answered before it died was committed, with its entry.
      expect(models).toEqual(expect.arrayContaining(outcome.answered));
      expect(models.length).toBeLessThan(CRASH_BURST_SIZE);
    });
  });
});

interface CrashTarget {
  /** The compiled server's environment for this database. */
  env: Record<string, string>;
  workDir: string;
  /** After the kill: a way to run SQL on what the server left behind. */
  openForChecks(): Promise<(text: string, values?: unknown[]) => Promise<Record<string, unknown>[]>>;
  dispose(): Promise<void>;
}

async function crashTarget(kind: DatabaseKind): Promise<CrashTarget> {
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'mag-crash-'));
  const removeWorkDir = () => rmSync(workDir, { recursive: true, force: true });
  if (kind === 'postgres') {
    const database = await createTestDatabase('postgres');
    return {
      env: { DATABASE_URL: database.url },
      workDir,
      openForChecks: async () => database.sql,
      dispose: async () => {
        await database.drop();
        removeWorkDir();
      },
    };
  }
  // The embedded database persists under DATA_DIR; after the kill it is opened again from those files.
  const dataDir = path.join(workDir, 'data');
  let reopened: Awaited<ReturnType<typeof startEmbeddedDatabase>> | undefined;
  return {
    env: { DATA_DIR: dataDir },
    workDir,
    openForChecks: async () => {
      reopened = await startEmbeddedDatabase(dataDir);
      const url = reopened.url;
      return (text, values) => query(url, text, values);
    },
    dispose: async () => {
      await reopened?.stop();
      removeWorkDir();
    },
  };
}

async function query(url: string, text: string, values?: unknown[]): Promise<Record<string, unknown>[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** Fires CRASH_BURST_SIZE addModel calls, CRASH_CONCURRENCY at a time, and kills the server after ANSWERS_BEFORE_KILL answers. */
async function addModelsUntilKilled(server: CompiledServer): Promise<{ answered: string[] }> {
  const ids = Array.from({ length: CRASH_BURST_SIZE }, () => randomUUID());
  const answered: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const { query, variables } = addMutation(ids[next++]);
      let response: GraphqlResponse<{ addModel: { id: string } }>;
      try {
        response = await postGraphql(server.url, query, variables, TEST_MASTER_KEY);
      } catch {
        continue; // the server is gone
      }
      if (response.errors) throw new Error(`addModel failed: ${JSON.stringify(response.errors)}`);
      answered.push(response.data!.addModel.id);
      if (answered.length === ANSWERS_BEFORE_KILL) server.child.kill('SIGKILL');
    }
  };
  await Promise.all(Array.from({ length: CRASH_CONCURRENCY }, worker));
  return { answered };
}
