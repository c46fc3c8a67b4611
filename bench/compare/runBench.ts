// `npm run bench`: one PostgreSQL database, seeded once as a current proxy fills it; this server, PostGraphile
// v4, PostGraphile v5 and a hand-written ceiling started over it and driven by autocannon in turn through the
// same four cases; one table printed and written to bench/RESULTS.md. The database and every child process
// are gone at the end, even on error. Method and knobs: bench/README.md.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { redactDatabaseUrl } from '../../src/config/settings';
import { CASES, requestFactory, type CaseName } from './benchCases';
import { createBenchDatabase, migrate, seed, SEED_DESCRIPTION, type BenchDatabase, type SeededData } from './benchDatabase';
import { freePort, startChildServer, stopAllChildren } from './childServer';
import { CONTESTANTS, POSTGRAPHILE4_DIR, POSTGRAPHILE5_DIR, type ContestantName } from './contestants';
import { summarizeCpuProfile } from './cpuProfileSummary';
import { runLoad, sendOnce, type LoadResult } from './loadTest';
import { resultsTable, writeResultsFile, type BenchResults, type CaseResult } from './resultsTable';

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';
/** Twice the pool: requests queue for a connection in every server, as they do under a dashboard's load. */
export const DEFAULT_CONNECTIONS = 20;
export const DEFAULT_DURATION_SECONDS = 10;
export const DEFAULT_WARMUP_SECONDS = 3;
/** The measured seconds of a case are split into this many rounds, so that bursts of outside load on a shared machine fall on every contestant. */
export const DEFAULT_ROUNDS = 2;
export const POOL_SIZE = 10;
const MASTER_KEY = 'sk-bench-master-key-0123456789';
const RESULTS_FILE = path.resolve(__dirname, '../../../bench/RESULTS.md');

interface BenchSettings {
  /** BENCH_DATABASE_URL: a server and a database to connect to while creating the bench's own. */
  adminUrl: string;
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
  rounds: number;
  /** BENCH_CONTESTANTS: a comma-separated subset of ours, postgraphile4, postgraphile5, ceiling. */
  contestants: ContestantName[];
  /** BENCH_CASES: a comma-separated subset of modelById, firstModels, modelHistory, addModel. */
  cases: CaseName[];
  /** BENCH_PROFILE=1: run every contestant with --cpu-prof and print its hottest functions. */
  profile: boolean;
  /** BENCH_PROFILE_DIR: keep the .cpuprofile files there (for Chrome DevTools) instead of in the temporary work dir. */
  profileDir?: string;
}

function loadBenchSettings(env = process.env): BenchSettings {
  const number = (name: string, fallback: number) => (env[name] ? Number(env[name]) : fallback);
  const subset = <Name extends string>(variable: string, known: readonly Name[]): Name[] => {
    const names = env[variable] ? env[variable].split(',').map((name) => name.trim()) : known;
    for (const name of names) if (!known.includes(name as Name)) throw new Error(`${variable}: unknown name ${name} (known: ${known.join(', ')})`);
    return names as Name[];
  };
  return {
    adminUrl: env.BENCH_DATABASE_URL ?? DEFAULT_DATABASE_URL,
    connections: number('BENCH_CONNECTIONS', DEFAULT_CONNECTIONS),
    durationSeconds: number('BENCH_DURATION_SECONDS', DEFAULT_DURATION_SECONDS),
    warmupSeconds: number('BENCH_WARMUP_SECONDS', DEFAULT_WARMUP_SECONDS),
    rounds: number('BENCH_ROUNDS', DEFAULT_ROUNDS),
    contestants: subset('BENCH_CONTESTANTS', CONTESTANTS.map(({ name }) => name)),
    cases: subset('BENCH_CASES', CASES.map(({ name }) => name)),
    profile: env.BENCH_PROFILE === '1',
    profileDir: env.BENCH_PROFILE_DIR ? path.resolve(env.BENCH_PROFILE_DIR) : undefined,
  };
}

async function main(): Promise<void> {
  const settings = loadBenchSettings();
  const loadBefore = os.loadavg();
  if (settings.contestants.includes('postgraphile4')) installApart(POSTGRAPHILE4_DIR);
  if (settings.contestants.includes('postgraphile5')) installApart(POSTGRAPHILE5_DIR);
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'mag-bench-'));
  const log = (line: string) => process.stdout.write(`${line}\n`);
  let database: BenchDatabase | undefined;
  const stopOnSignal = (signal: NodeJS.Signals) => {
    log(`\n${signal}: stopping servers and dropping the bench database`);
    void cleanUp(database).finally(() => process.exit(1));
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);

  try {
    log(`load average ${loadBefore.map((load) => load.toFixed(2)).join(' ')} on ${os.availableParallelism()} CPUs`);
    database = await createBenchDatabase(settings.adminUrl);
    log(`database ${redactDatabaseUrl(database.url)}: migrating and seeding ${SEED_DESCRIPTION}`);
    await migrate(database.url, MASTER_KEY);
    const seeded = await seed(database.url, MASTER_KEY);
    const running = CONTESTANTS.filter(({ name }) => settings.contestants.includes(name));
    const results: BenchResults = { contestants: running.map(({ name, label }) => ({ name, label })), byCase: {}, peakRssBytes: {} };
    let oursDecrypts: boolean | undefined;

    // All servers run side by side (idle while not measured) and each case is measured for one contestant
    // right after the other: on a shared machine, a burst of outside load then hurts all of them alike.
    const servers = [];
    for (const contestant of running) {
      const cpuProfileDir = settings.profile ? profileDirectory(settings.profileDir ?? workDir, contestant.name) : undefined;
      const setup = { databaseUrl: database.url, masterKey: MASTER_KEY, port: await freePort(), poolSize: POOL_SIZE, workDir, cpuProfileDir };
      const logFile = path.join(workDir, `${contestant.name}.log`);
      const server = await startChildServer({ ...contestant.server(setup), logFile });
      log(`${contestant.label}: pid ${server.pid}, log ${logFile}`);
      servers.push({ contestant, server, headers: contestant.headers(setup), cpuProfileDir });
    }
    for (const benchCase of CASES.filter(({ name }) => settings.cases.includes(name))) {
      log(`\n${benchCase.label}`);
      const loads = servers.map(({ contestant, server, headers }) => ({
        contestant,
        server,
        load: { baseUrl: server.baseUrl, headers, nextRequest: requestFactory(contestant.name, benchCase.name, seeded), connections: settings.connections },
        rounds: [] as { result: LoadResult; cpuMs: number }[],
      }));
      for (const { contestant, load } of loads) {
        const answer = checkAnswer(contestant.label, benchCase, await sendOnce(load.baseUrl, load.headers, load.nextRequest));
        if (contestant.name === 'ours' && benchCase.name === 'modelById') oursDecrypts = returnsPlaintext(answer, seeded);
        await runLoad({ ...load, durationSeconds: settings.warmupSeconds });
      }
      // The measured time is split into rounds, each contestant in turn and the order rotated every round.
      for (let round = 0; round < settings.rounds; round += 1) {
        for (const entry of rotate(loads, round)) {
          const cpuBefore = entry.server.cpuMs();
          const result = await runLoad({ ...entry.load, durationSeconds: settings.durationSeconds / settings.rounds });
          entry.rounds.push({ result, cpuMs: entry.server.cpuMs() - cpuBefore });
          // Writes would change what the next contestant reads (totalCount, table size).
          if (benchCase.name === 'addModel') await database.removeWrites();
        }
      }
      for (const { contestant, rounds } of loads) {
        const result = combineRounds(rounds);
        (results.byCase[benchCase.name] ??= {})[contestant.name] = result;
        log(
          `  ${contestant.label}: ${Math.round(result.requestsPerSecond)} req/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, ` +
            `server CPU ${result.cpuMsPerRequest.toFixed(2)} ms/request${result.failures ? `, ${result.failures} FAILED` : ''}`,
        );
      }
    }
    for (const { contestant, server, cpuProfileDir } of servers) {
      results.peakRssBytes[contestant.name] = server.peakRssBytes();
      await server.stop();
      if (cpuProfileDir) {
        for (const file of readdirSync(cpuProfileDir)) log(`\n${contestant.label}: ${summarizeCpuProfile(path.join(cpuProfileDir, file))}`);
      }
    }
    if (oursDecrypts === false) {
      log('\nWARNING: our server returned the seeded litellm_params as stored: this build cannot decrypt the seed format, so its numbers leave decryption out.');
    }

    const table = resultsTable(results);
    log(`\n${table}\n`);
    const loadAfter = os.loadavg();
    log(`load average ${loadAfter.map((load) => load.toFixed(2)).join(' ')}`);
    if (settings.contestants.length === CONTESTANTS.length && settings.cases.length === CASES.length) {
      writeResultsFile(RESULTS_FILE, table, {
        command: benchCommand(),
        connections: settings.connections,
        poolSize: POOL_SIZE,
        durationSeconds: settings.durationSeconds,
        warmupSeconds: settings.warmupSeconds,
        rounds: settings.rounds,
        loadBefore,
        loadAfter,
        postgresVersion: await postgresVersion(database.url),
        contestants: contestantDescriptions(oursDecrypts),
        seed: SEED_DESCRIPTION,
      });
      log(`written to ${RESULTS_FILE}`);
    }
  } finally {
    await cleanUp(database);
  }
}

function profileDirectory(parent: string, contestant: ContestantName): string {
  mkdirSync(parent, { recursive: true });
  return mkdtempSync(path.join(parent, `cpu-profile-${contestant}-`));
}

function rotate<T>(items: readonly T[], by: number): T[] {
  const start = by % items.length;
  return [...items.slice(start), ...items.slice(0, start)];
}

/** Requests/s over all rounds; latency percentiles averaged over the rounds; server CPU per request. */
function combineRounds(rounds: { result: LoadResult; cpuMs: number }[]): CaseResult {
  const requests = rounds.reduce((sum, { result }) => sum + result.requests, 0);
  const seconds = rounds.reduce((sum, { result }) => sum + result.durationSeconds, 0);
  const mean = (pick: (result: LoadResult) => number) => rounds.reduce((sum, { result }) => sum + pick(result), 0) / rounds.length;
  return {
    requestsPerSecond: requests / seconds,
    p50Ms: mean((result) => result.p50Ms),
    p99Ms: mean((result) => result.p99Ms),
    failures: rounds.reduce((sum, { result }) => sum + result.failures, 0),
    cpuMsPerRequest: rounds.reduce((sum, { cpuMs }) => sum + cpuMs, 0) / Math.max(requests, 1),
  };
}

async function cleanUp(database: BenchDatabase | undefined): Promise<void> {
  await stopAllChildren();
  await database?.drop();
}

/** Each PostGraphile is installed from its own folder's lockfile, never into the product's dependencies. */
function installApart(directory: string): void {
  if (existsSync(path.join(directory, 'node_modules/postgraphile/package.json'))) return;
  process.stdout.write(`installing ${path.relative(process.cwd(), directory)} (npm ci)\n`);
  execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: directory, stdio: 'inherit' });
}

function checkAnswer(contestant: string, benchCase: (typeof CASES)[number], { status, body }: { status: number; body: any }): any {
  const answer = body?.data && Object.values(body.data)[0];
  const problem =
    status !== 200 || body?.errors
      ? `status ${status}, ${JSON.stringify(body?.errors ?? body)}`
      : !answer
        ? 'an empty answer'
        : benchCase.expectedItems !== undefined && itemCount(answer) !== benchCase.expectedItems
          ? `${itemCount(answer)} items instead of ${benchCase.expectedItems}`
          : undefined;
  if (problem) throw new Error(`${contestant} answers ${benchCase.label} wrongly: ${problem}`);
  return answer;
}

/** Whether a model in our answer shows its litellm_params.model decrypted. */
function returnsPlaintext(model: any, seeded: SeededData): boolean {
  return seeded.plaintextModels.has(model?.litellmParams?.model);
}

function itemCount(answer: any): number | undefined {
  if (Array.isArray(answer)) return answer.length;
  return (answer.edges ?? answer.nodes)?.length;
}

/** How this run was started: the BENCH_* variables it saw, then the command. */
function benchCommand(env = process.env): string {
  const variables = Object.entries(env)
    .filter(([name]) => name.startsWith('BENCH_') && name !== 'BENCH_DATABASE_URL')
    .map(([name, value]) => `${name}=${value}`);
  return [...variables, 'npm run bench'].join(' ');
}

function contestantDescriptions(oursDecrypts: boolean | undefined): string[] {
  const version = (directory: string) => JSON.parse(readFileSync(path.join(directory, 'node_modules/postgraphile/package.json'), 'utf8')).version as string;
  const decryption =
    oursDecrypts === false
      ? '**this build returned the stored v3:gcm values undecrypted (it cannot read that format yet), so its numbers leave decryption out**'
      : 'every litellm_params string decrypted and masked on the way out';
  return [
    `ours: \`node dist/src/main.js\`, NODE_ENV=production, LOG_LEVEL=info (one pino line per request), auth on (master key, role proxy_admin), ${decryption}; addModel encrypts and writes the model and its audit row in one transaction`,
    `PostGraphile v4 ${version(POSTGRAPHILE4_DIR)}: its CLI with --dynamic-json --disable-graphiql --disable-query-log; no auth, returns stored ciphertext as is, writes no audit row`,
    `PostGraphile v5 ${version(POSTGRAPHILE5_DIR)}: the Amber preset on node:http (bench/compare/postGraphile5Server.ts), PgIndexBehaviorsPlugin disabled so it orders by unindexed columns as v4 does; on Node 20 with a Promise.withResolvers polyfill preloaded; no auth, returns stored ciphertext as is, writes no audit row`,
    'ceiling: node:http + pg, one hand-written SQL statement per request building its JSON in Postgres (bench/compare/ceilingServer.ts); its addModel inserts the model and its audit row in one statement',
  ];
}

async function postgresVersion(url: string): Promise<string> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ version: string }>('SELECT version()');
    return rows[0].version.split(' on ')[0];
  } finally {
    await client.end();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
