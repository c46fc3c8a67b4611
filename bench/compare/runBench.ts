// `npm run bench`: one PostgreSQL database, seeded once; this server, PostGraphile v4, a hand-written ceiling
// and the Apollo floor (Apollo Server 5 + pg and nothing of ours) started over it and driven by autocannon in
// turn through the same four cases; one table printed
// and written to bench/RESULTS.md. The database and every child process are gone at the end, even on error.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { redactDatabaseUrl } from '../../src/config/settings';
import { CASES, requestFactory, type CaseName, type ContestantName } from './benchCases';
import { createBenchDatabase, migrate, seed, SEED_AUDIT_ROWS, SEED_MODELS, SEED_TEAMS, HOT_MODEL_HISTORY, type BenchDatabase } from './benchDatabase';
import { freePort, startChildServer, stopAllChildren } from './childServer';
import { CONTESTANTS, POSTGRAPHILE_DIR } from './contestants';
import { summarizeCpuProfile } from './cpuProfileSummary';
import { runLoad, sendOnce, type LoadResult } from './loadTest';
import { resultsTable, writeResultsFile, type BenchResults, type CaseResult } from './resultsTable';

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';
export const DEFAULT_CONNECTIONS = 10;
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
  /** BENCH_CONTESTANTS: a comma-separated subset, e.g. "ours" while profiling. */
  contestants: ContestantName[];
  /** BENCH_CASES: a comma-separated subset of modelById, firstModels, modelHistory, addModel. */
  cases: CaseName[];
  /** BENCH_PROFILE=1: run our server with --cpu-prof and print its hottest functions. */
  profile: boolean;
  /** BENCH_PROFILE_DIR: keep the .cpuprofile files there (for Chrome DevTools) instead of in the temporary work dir. */
  profileDir?: string;
}

function loadBenchSettings(env = process.env): BenchSettings {
  const number = (name: string, fallback: number) => (env[name] ? Number(env[name]) : fallback);
  const contestants = env.BENCH_CONTESTANTS ? env.BENCH_CONTESTANTS.split(',').map((name) => name.trim()) : CONTESTANTS.map(({ name }) => name);
  for (const name of contestants) {
    if (!CONTESTANTS.some((contestant) => contestant.name === name)) throw new Error(`BENCH_CONTESTANTS: unknown contestant ${name}`);
  }
  const cases = env.BENCH_CASES ? env.BENCH_CASES.split(',').map((name) => name.trim()) : CASES.map(({ name }) => name);
  for (const name of cases) {
    if (!CASES.some((benchCase) => benchCase.name === name)) throw new Error(`BENCH_CASES: unknown case ${name}`);
  }
  return {
    adminUrl: env.BENCH_DATABASE_URL ?? DEFAULT_DATABASE_URL,
    connections: number('BENCH_CONNECTIONS', DEFAULT_CONNECTIONS),
    durationSeconds: number('BENCH_DURATION_SECONDS', DEFAULT_DURATION_SECONDS),
    warmupSeconds: number('BENCH_WARMUP_SECONDS', DEFAULT_WARMUP_SECONDS),
    rounds: number('BENCH_ROUNDS', DEFAULT_ROUNDS),
    contestants: contestants as ContestantName[],
    cases: cases as CaseName[],
    profile: env.BENCH_PROFILE === '1',
    profileDir: env.BENCH_PROFILE_DIR ? path.resolve(env.BENCH_PROFILE_DIR) : undefined,
  };
}

async function main(): Promise<void> {
  const settings = loadBenchSettings();
  if (settings.contestants.includes('PostGraphile')) installPostGraphile();
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
    database = await createBenchDatabase(settings.adminUrl);
    log(`database ${redactDatabaseUrl(database.url)}: migrating and seeding ${SEED_MODELS} models over ${SEED_TEAMS} teams, ${SEED_AUDIT_ROWS} audit rows`);
    await migrate(database.url, MASTER_KEY);
    const seeded = await seed(database.url, MASTER_KEY);
    const results: BenchResults = { contestants: settings.contestants, byCase: {}, peakRssBytes: {} };

    // All servers run side by side (idle while not measured) and each case is measured for one contestant
    // right after the other: on a shared machine, a burst of outside load then hurts all of them alike.
    const servers = [];
    for (const contestant of CONTESTANTS.filter(({ name }) => settings.contestants.includes(name))) {
      const cpuProfileDir = settings.profile && contestant.name === 'ours' ? profileDirectory(settings.profileDir ?? workDir) : undefined;
      const setup = { databaseUrl: database.url, masterKey: MASTER_KEY, port: await freePort(), poolSize: POOL_SIZE, workDir, cpuProfileDir };
      const logFile = path.join(workDir, `${contestant.name}.log`);
      const server = await startChildServer({ ...contestant.server(setup), logFile });
      log(`${contestant.name}: pid ${server.pid}, log ${logFile}`);
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
        await checkAnswer(contestant.name, benchCase, await sendOnce(load.baseUrl, load.headers, load.nextRequest));
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
          `  ${contestant.name}: ${Math.round(result.requestsPerSecond)} req/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, ` +
            `server CPU ${result.cpuMsPerRequest.toFixed(2)} ms/request${result.failures ? `, ${result.failures} FAILED` : ''}`,
        );
      }
    }
    for (const { contestant, server, cpuProfileDir } of servers) {
      results.peakRssBytes[contestant.name] = server.peakRssBytes();
      await server.stop();
      if (cpuProfileDir) {
        for (const file of readdirSync(cpuProfileDir)) log(summarizeCpuProfile(path.join(cpuProfileDir, file)));
      }
    }

    const table = resultsTable(results);
    log(`\n${table}\n`);
    if (settings.contestants.length === CONTESTANTS.length && settings.cases.length === CASES.length) {
      writeResultsFile(RESULTS_FILE, table, {
        connections: settings.connections,
        durationSeconds: settings.durationSeconds,
        warmupSeconds: settings.warmupSeconds,
        rounds: settings.rounds,
        postgresVersion: await postgresVersion(database.url),
        seed: `${SEED_MODELS} models over ${SEED_TEAMS} teams (all team models, 4 litellm_params values each, 3 of them strings, all encrypted), ${SEED_AUDIT_ROWS} audit rows with full-row snapshots (${HOT_MODEL_HISTORY} for one model of each team, the rest spread evenly); reads rotate over the model ids`,
      });
      log(`written to ${RESULTS_FILE}`);
    }
  } finally {
    await cleanUp(database);
  }
}

function profileDirectory(parent: string): string {
  mkdirSync(parent, { recursive: true });
  return mkdtempSync(path.join(parent, 'cpu-profile-'));
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

/** PostGraphile 4 needs graphql 15, so it lives in its own folder with its own lockfile (bench/compare/postgraphile). */
function installPostGraphile(): void {
  if (existsSync(path.join(POSTGRAPHILE_DIR, 'node_modules/postgraphile/package.json'))) return;
  process.stdout.write('installing PostGraphile into bench/compare/postgraphile (npm ci)\n');
  execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: POSTGRAPHILE_DIR, stdio: 'inherit' });
}

async function checkAnswer(
  contestant: ContestantName,
  benchCase: (typeof CASES)[number],
  { status, body }: { status: number; body: any },
): Promise<void> {
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
}

function itemCount(answer: any): number | undefined {
  if (Array.isArray(answer)) return answer.length;
  return (answer.edges ?? answer.nodes)?.length;
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
