// `npm run bench:models`: the latency of addModel and of model(id), one request at a time over HTTP, on the
// embedded PGlite and, with BENCH_DATABASE_URL or TEST_DATABASE_URL set, on PostgreSQL too. The compiled
// server runs as a child process, as `npm start` runs it, over a fresh database removed at the end.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { redactDatabaseUrl } from '../src/config/settings';
import { createBenchDatabase } from './compare/benchDatabase';
import { freePort, startChildServer, stopAllChildren } from './compare/childServer';
import { log } from './benchSupport';

/** Untimed calls of each operation before the measured ones (JIT, connection pool, plan caches). */
export const WARMUP_CALLS = 50;
/** Timed calls of each operation. */
export const MEASURED_CALLS = 1_000;
const MASTER_KEY = 'sk-bench-models-master-key-0123456789';
const MAIN_SCRIPT = path.resolve(__dirname, '../src/main.js');

const ADD_MODEL = 'mutation ($input: AddModelInput!) { addModel(input: $input) { id } }';
const MODEL = 'query ($id: ID!) { model(id: $id) { id modelName publicModelName source teamId litellmParams modelInfo createdAt updatedAt } }';

interface Target {
  name: string;
  /** What the child server needs to reach the database. */
  env: NodeJS.ProcessEnv;
  remove(): Promise<void>;
}

interface Latency {
  database: string;
  operation: string;
  median: number;
  p95: number;
  p99: number;
}

async function main(): Promise<void> {
  const adminUrl = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || undefined;
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'mag-bench-models-'));
  log(`${os.cpus().length} CPUs, load average ${os.loadavg().map((load) => load.toFixed(1)).join(' ')}, Node ${process.version}`);
  log(`${WARMUP_CALLS} warm-up then ${MEASURED_CALLS} timed sequential calls of each operation; server logs in ${workDir}`);
  const results: Latency[] = [];
  try {
    results.push(...(await benchOn(await embeddedTarget(workDir), workDir)));
    if (adminUrl) results.push(...(await benchOn(await postgresTarget(adminUrl), workDir)));
    else log('PostgreSQL skipped: set BENCH_DATABASE_URL or TEST_DATABASE_URL to include it.');
  } finally {
    await stopAllChildren();
  }
  log(`\n${latencyTable(results)}`);
  rmSync(workDir, { recursive: true, force: true });
}

async function embeddedTarget(workDir: string): Promise<Target> {
  const dataDir = mkdtempSync(path.join(workDir, 'data-'));
  return { name: 'PGlite (embedded)', env: { DATA_DIR: dataDir }, remove: async () => rmSync(dataDir, { recursive: true, force: true }) };
}

async function postgresTarget(adminUrl: string): Promise<Target> {
  const database = await createBenchDatabase(adminUrl);
  return { name: `PostgreSQL ${new URL(adminUrl).host}`, env: { DATABASE_URL: database.url }, remove: () => database.drop() };
}

async function benchOn(target: Target, workDir: string): Promise<Latency[]> {
  log(`\n== ${target.name}${target.env.DATABASE_URL ? ` (${redactDatabaseUrl(target.env.DATABASE_URL)})` : ''}`);
  const port = await freePort();
  const server = await startChildServer({
    name: `the server on ${target.name}`,
    command: process.execPath,
    args: [MAIN_SCRIPT],
    env: { ...process.env, ...target.env, NODE_ENV: 'production', LOG_LEVEL: 'warn', LITELLM_MASTER_KEY: MASTER_KEY, HOST: '127.0.0.1', PORT: String(port) },
    cwd: workDir,
    port,
    logFile: path.join(workDir, `server-${port}.log`),
    isReady: async (baseUrl) => (await fetch(`${baseUrl}/readyz`)).ok,
  });
  try {
    const client = new ModelClient(server.baseUrl);
    const warmupIds: string[] = [];
    for (let call = 0; call < WARMUP_CALLS; call++) warmupIds.push(await client.addModel(`warmup-${call}`));
    for (const id of warmupIds) await client.model(id);

    const ids: string[] = [];
    const addTimes = await timeEach(MEASURED_CALLS, async (call) => {
      ids.push(await client.addModel(`bench-${call}`));
    });
    const readTimes = await timeEach(MEASURED_CALLS, (call) => client.model(ids[call]));
    return [latency(target.name, 'addModel', addTimes), latency(target.name, 'model(id)', readTimes)];
  } finally {
    await server.stop();
    await target.remove();
  }
}

/** The two operations as a dashboard sends them, with the master key; any GraphQL error stops the bench. */
class ModelClient {
  constructor(private readonly baseUrl: string) {}

  async addModel(name: string): Promise<string> {
    const litellmParams = { model: 'azure/gpt-4o', api_key: `sk-bench-${name}-0123456789abcdef`, api_base: 'https://bench.openai.azure.com', rpm: 600 };
    const data = await this.graphql<{ addModel: { id: string } }>(ADD_MODEL, { input: { modelName: name, litellmParams, modelInfo: { description: 'bench' } } });
    return data.addModel.id;
  }

  async model(id: string): Promise<void> {
    const data = await this.graphql<{ model: { id: string } | null }>(MODEL, { id });
    if (data.model?.id !== id) throw new Error(`model(${id}) did not return the model`);
  }

  private async graphql<Data>(query: string, variables: Record<string, unknown>): Promise<Data> {
    const response = await fetch(`${this.baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${MASTER_KEY}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: Data | null; errors?: unknown[] };
    if (body.errors || !body.data) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
    return body.data;
  }
}

/** Milliseconds of each of `count` sequential calls. */
async function timeEach(count: number, call: (index: number) => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let index = 0; index < count; index++) {
    const start = performance.now();
    await call(index);
    times.push(performance.now() - start);
  }
  return times;
}

function latency(database: string, operation: string, times: number[]): Latency {
  const sorted = [...times].sort((a, b) => a - b);
  // Nearest rank: the smallest time at or above which `fraction` of the calls lie.
  const percentile = (fraction: number) => sorted[Math.max(0, Math.ceil(fraction * sorted.length) - 1)];
  return { database, operation, median: percentile(0.5), p95: percentile(0.95), p99: percentile(0.99) };
}

function latencyTable(results: Latency[]): string {
  const ms = (value: number) => value.toFixed(2);
  const rows = results.map((result) => `| ${result.database} | ${result.operation} | ${ms(result.median)} | ${ms(result.p95)} | ${ms(result.p99)} |`);
  return ['| database | operation | median ms | p95 ms | p99 ms |', '| --- | --- | ---: | ---: | ---: |', ...rows].join('\n');
}

main().catch(async (error: unknown) => {
  await stopAllChildren();
  process.stderr.write(`bench:models failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
