// `npm run bench:auth`: what the access checks cost on `models(first: 100)`. The same compiled server is
// started as a child process twice over one seeded database: as shipped ("on"), and with the step that
// attaches the @auth checks to the schema replaced by a no-op in that child only ("off"). Production
// code has no switch for this; see serveWithoutAuthChecks. Both run in turn, alternating, and the medians of
// the rounds are printed. PostgreSQL when BENCH_DATABASE_URL or TEST_DATABASE_URL is set, else the
// embedded PGlite, each time in a database of its own that is gone at the end.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import type { GraphQLSchema } from 'graphql';
import { redactDatabaseUrl } from '../src/config/settings';
import { freePort, startChildServer, stopAllChildren, type ChildServer } from './compare/childServer';
import { runLoad, type LoadResult } from './compare/loadTest';
import { median } from './benchSupport';

export const SEED_MODELS = 100;
export const DEFAULT_ROUNDS = 3;
export const DEFAULT_CONNECTIONS = 10;
export const DEFAULT_DURATION_SECONDS = 5;
export const DEFAULT_WARMUP_SECONDS = 2;
const MASTER_KEY = 'sk-bench-auth-master-key-0123456789';
/** /proc reports CPU time in USER_HZ ticks, 100 per second on Linux. */
const PROC_TICKS_PER_SECOND = 100;
const SERVE_WITHOUT_AUTH_CHECKS = 'serve-without-auth-checks';
const MAIN_SCRIPT = path.resolve(__dirname, '../src/main.js');

/** The query measured: every node's litellmParams carries a field rule (decrypt and mask included either way). */
export const MODELS_QUERY = `{ models(first: ${SEED_MODELS}) { edges { node { id modelName litellmParams } } } }`;

interface AuthBenchSettings {
  /** BENCH_DATABASE_URL, else TEST_DATABASE_URL: a PostgreSQL server to create the bench's database in. */
  adminUrl?: string;
  rounds: number;
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
}

function loadAuthBenchSettings(env = process.env): AuthBenchSettings {
  const number = (name: string, fallback: number) => (env[name] ? Number(env[name]) : fallback);
  return {
    adminUrl: env.BENCH_DATABASE_URL || env.TEST_DATABASE_URL || undefined,
    rounds: number('BENCH_ROUNDS', DEFAULT_ROUNDS),
    connections: number('BENCH_CONNECTIONS', DEFAULT_CONNECTIONS),
    durationSeconds: number('BENCH_DURATION_SECONDS', DEFAULT_DURATION_SECONDS),
    warmupSeconds: number('BENCH_WARMUP_SECONDS', DEFAULT_WARMUP_SECONDS),
  };
}

type Variant = 'checks on, master key' | 'checks on, team admin sk- key' | 'checks off, master key';

/**
 * The "off" child: the ordinary server, except that buildApiSchema's enforceAuthDirectives step (which wraps
 * every field carrying @auth with its check) leaves the schema as it is. Everything else, key resolution,
 * row visibility in the services and the @auth directives in the SDL included, is unchanged.
 */
async function serveWithoutAuthChecks(): Promise<void> {
  const auth: { enforceAuthDirectives: (schema: GraphQLSchema) => GraphQLSchema } = await import('../src/access/Auth');
  auth.enforceAuthDirectives = (schema) => schema;
  await import('../src/main');
}

interface BenchDatabase {
  /** Environment the child servers need to reach it. */
  env: NodeJS.ProcessEnv;
  describe: string;
  drop(): Promise<void>;
}

async function createBenchDatabase(adminUrl: string | undefined): Promise<BenchDatabase> {
  if (!adminUrl) {
    // The embedded PGlite, persisted so every child server opens the same seeded data (one at a time).
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mag-bench-auth-'));
    return { env: { DATA_DIR: dataDir }, describe: `embedded PGlite in ${dataDir}`, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const name = `mag_bench_auth_${randomBytes(4).toString('hex')}`;
  await runSql(adminUrl, `CREATE DATABASE "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    env: { DATABASE_URL: url.toString() },
    describe: `PostgreSQL ${redactDatabaseUrl(url.toString())}`,
    drop: () => runSql(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}

async function runSql(url: string, text: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

async function startServer(database: BenchDatabase, checks: 'on' | 'off', logFile: string): Promise<ChildServer> {
  const port = await freePort();
  const script = checks === 'on' ? [MAIN_SCRIPT] : [__filename, SERVE_WITHOUT_AUTH_CHECKS];
  return startChildServer({
    name: `the server with checks ${checks}`,
    command: process.execPath,
    args: script,
    env: { ...process.env, ...database.env, NODE_ENV: 'production', LOG_LEVEL: 'warn', LITELLM_MASTER_KEY: MASTER_KEY, HOST: '127.0.0.1', PORT: String(port) },
    cwd: os.tmpdir(),
    port,
    logFile,
    isReady: async (baseUrl) => (await fetch(`${baseUrl}/readyz`)).ok,
  });
}

interface GraphqlBody<Data> {
  data?: Data | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

async function graphql<Data>(baseUrl: string, key: string, query: string, variables?: Record<string, unknown>): Promise<GraphqlBody<Data>> {
  const response = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as GraphqlBody<Data>;
}

async function graphqlData<Data>(baseUrl: string, key: string, query: string, variables?: Record<string, unknown>): Promise<Data> {
  const body = await graphql<Data>(baseUrl, key, query, variables);
  if (body.errors || !body.data) throw new Error(`${query.slice(0, 60)}…: ${JSON.stringify(body.errors)}`);
  return body.data;
}

/** One team, its admin's key, and SEED_MODELS models of that team: the admin and the master key both see all of them. */
async function seed(baseUrl: string): Promise<{ teamAdminKey: string }> {
  const { createUser } = await graphqlData<{ createUser: { id: string } }>(baseUrl, MASTER_KEY, 'mutation { createUser(input: { userId: "bench-team-admin" }) { id } }');
  await graphqlData(baseUrl, MASTER_KEY, 'mutation ($user: ID!) { createTeam(input: { teamId: "bench-team", members: [{ userId: $user, role: ADMIN }] }) { id } }', { user: createUser.id });
  const { generateKey } = await graphqlData<{ generateKey: { key: string } }>(baseUrl, MASTER_KEY, 'mutation { generateKey(input: { userId: "bench-team-admin", teamId: "bench-team" }) { key } }');
  for (let index = 0; index < SEED_MODELS; index += 1) {
    await graphqlData(baseUrl, MASTER_KEY, 'mutation ($input: AddModelInput!) { addModel(input: $input) { id } }', {
      input: {
        modelName: `gpt-4o-${index}`,
        litellmParams: { model: 'openai/gpt-4o', api_key: `sk-proj-${randomBytes(24).toString('hex')}`, api_base: 'https://api.openai.com/v1', rpm: 600 },
        modelInfo: { team_id: 'bench-team', mode: 'chat' },
      },
    });
  }
  return { teamAdminKey: generateKey.key };
}

/** Proof the two servers differ only by the checks: a team admin may not create users, unless the checks are off. */
async function expectChecks(server: ChildServer, teamAdminKey: string, checks: 'on' | 'off'): Promise<void> {
  const body = await graphql(server.baseUrl, teamAdminKey, 'mutation ($id: ID!) { createUser(input: { userId: $id }) { id } }', { id: `bench-proof-${randomBytes(4).toString('hex')}` });
  const refused = body.errors?.[0]?.extensions?.code === 'FORBIDDEN';
  if (refused !== (checks === 'on')) throw new Error(`the server with checks ${checks} answered ${JSON.stringify(body)}`);
}

async function expectAllModels(server: ChildServer, key: string): Promise<void> {
  const data = await graphqlData<{ models: { edges: unknown[] } }>(server.baseUrl, key, MODELS_QUERY);
  if (data.models.edges.length !== SEED_MODELS) throw new Error(`models(first: ${SEED_MODELS}) answered ${data.models.edges.length} models`);
}

/** Requests/s, and the server's CPU time per request: the steadier figure when other work shares the machine. */
interface Measurement {
  requestsPerSecond: number;
  cpuMsPerRequest: number;
}

/** utime + stime of a process, in milliseconds. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / PROC_TICKS_PER_SECOND;
}

async function measure(settings: AuthBenchSettings, server: ChildServer, key: string): Promise<Measurement> {
  await expectAllModels(server, key);
  const load = {
    baseUrl: server.baseUrl,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    nextRequest: () => ({ path: '/graphql', body: JSON.stringify({ query: MODELS_QUERY }) }),
    connections: settings.connections,
  };
  await runLoad({ ...load, durationSeconds: settings.warmupSeconds });
  const cpuBefore = cpuMs(server.pid);
  const result: LoadResult = await runLoad({ ...load, durationSeconds: settings.durationSeconds });
  if (result.failures) throw new Error(`${result.failures} requests failed`);
  const requests = result.requestsPerSecond * settings.durationSeconds;
  return { requestsPerSecond: result.requestsPerSecond, cpuMsPerRequest: (cpuMs(server.pid) - cpuBefore) / requests };
}

const VARIANTS: Variant[] = ['checks off, master key', 'checks on, master key', 'checks on, team admin sk- key'];

function describe({ requestsPerSecond, cpuMsPerRequest }: Measurement): string {
  return `${requestsPerSecond.toFixed(1)} req/s, ${cpuMsPerRequest.toFixed(2)} CPU ms/req`;
}

function percent(part: number, whole: number): string {
  return `${((part / whole) * 100).toFixed(1)} %`;
}

async function main(): Promise<void> {
  const settings = loadAuthBenchSettings();
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'mag-bench-auth-logs-'));
  const database = await createBenchDatabase(settings.adminUrl);
  const results: Record<Variant, Measurement[]> = { 'checks on, master key': [], 'checks on, team admin sk- key': [], 'checks off, master key': [] };
  try {
    log(`database: ${database.describe}; query: ${MODELS_QUERY}`);
    log(`${settings.rounds} rounds × ${settings.durationSeconds} s per variant, ${settings.connections} connections, logs in ${workDir}`);
    let seeded: { teamAdminKey: string } | undefined;
    for (let round = 1; round <= settings.rounds; round += 1) {
      // Alternate which server goes first, so drift (caches, vacuum, other load) does not favour one side.
      const order: ('on' | 'off')[] = round % 2 ? ['on', 'off'] : ['off', 'on'];
      for (const checks of order) {
        const server = await startServer(database, checks, path.join(workDir, `checks-${checks}.log`));
        try {
          seeded ??= await seed(server.baseUrl);
          await expectChecks(server, seeded.teamAdminKey, checks);
          if (checks === 'on') {
            results['checks on, master key'].push(await measure(settings, server, MASTER_KEY));
            results['checks on, team admin sk- key'].push(await measure(settings, server, seeded.teamAdminKey));
          } else {
            results['checks off, master key'].push(await measure(settings, server, MASTER_KEY));
          }
        } finally {
          await server.stop();
        }
      }
      log(`round ${round}: ${VARIANTS.map((variant) => `${variant} ${describe(results[variant].at(-1)!)}`).join(' · ')}`);
    }
    const medians = Object.fromEntries(
      VARIANTS.map((variant) => [variant, { requestsPerSecond: median(results[variant].map((m) => m.requestsPerSecond)), cpuMsPerRequest: median(results[variant].map((m) => m.cpuMsPerRequest)) }]),
    ) as Record<Variant, Measurement>;
    const off = medians['checks off, master key'];
    log('\nmedians (overhead against checks off: fewer requests/s, more CPU per request)');
    for (const variant of VARIANTS) {
      const { requestsPerSecond, cpuMsPerRequest } = medians[variant];
      const overhead = variant === 'checks off, master key'
        ? ''
        : `  overhead ${percent(off.requestsPerSecond - requestsPerSecond, off.requestsPerSecond)} req/s, ${percent(cpuMsPerRequest - off.cpuMsPerRequest, off.cpuMsPerRequest)} CPU`;
      log(`  ${variant.padEnd(30)} ${describe(medians[variant])}${overhead}`);
    }
  } finally {
    await stopAllChildren();
    await database.drop();
  }
}

if (process.argv[2] === SERVE_WITHOUT_AUTH_CHECKS) {
  serveWithoutAuthChecks().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
} else {
  main().catch((error: unknown) => {
    process.stderr.write(`bench:auth failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  });
}
