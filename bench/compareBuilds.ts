// `npm run bench:builds -- <git revision>`: this working tree's server against the same server built from an
// earlier revision (default: the previous commit), side by side over one seeded PostgreSQL database, through
// the four cases of `npm run bench`. The two take turns in short rounds, so that outside load on a shared
// machine falls on both; per case it prints the median over the rounds of each one's CPU per request and
// req/s, and the median of the per-round ratios new/old (below 1.0 on CPU is an improvement).
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CASES, requestFactory, type CaseName } from './compare/benchCases';
import { createBenchDatabase, migrate, seed } from './compare/benchDatabase';
import { freePort, startChildServer, stopAllChildren, type ChildServer } from './compare/childServer';
import { runLoad } from './compare/loadTest';
import { log, median, runBench } from './benchSupport';

const REPOSITORY_ROOT = path.resolve(__dirname, '../..');
const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';
const MASTER_KEY = 'sk-bench-builds-master-key-0123456789';
const CONNECTIONS = 10;
const WARMUP_SECONDS = 3;
const ROUND_SECONDS = Number(process.env.BENCH_ROUND_SECONDS ?? 2);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8);

interface Build {
  label: string;
  main: string;
}

async function main(): Promise<void> {
  const revision = process.argv[2] ?? 'HEAD~1';
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'mag-bench-builds-'));
  const cases = (process.env.BENCH_CASES?.split(',') ?? CASES.map(({ name }) => name)) as CaseName[];
  const database = await createBenchDatabase(process.env.BENCH_DATABASE_URL ?? DEFAULT_DATABASE_URL);
  try {
    const old = buildRevision(revision, workDir);
    const builds: Build[] = [old, { label: 'this tree', main: path.join(REPOSITORY_ROOT, 'dist/src/main.js') }];
    await migrate(database.url, MASTER_KEY);
    const seeded = await seed(database.url, MASTER_KEY);
    const servers: { build: Build; server: ChildServer }[] = [];
    for (const build of builds) servers.push({ build, server: await startServer(build, database.url, workDir) });
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${MASTER_KEY}` };
    log(`${old.label} (old) against this tree (new), ${ROUNDS} rounds of ${ROUND_SECONDS} s per case, ${CONNECTIONS} connections`);
    for (const name of cases) {
      const load = (server: ChildServer, durationSeconds: number) =>
        runLoad({ baseUrl: server.baseUrl, headers, nextRequest: requestFactory('ours', name, seeded), connections: CONNECTIONS, durationSeconds });
      for (const { server } of servers) await load(server, WARMUP_SECONDS);
      const cpu: number[][] = [[], []];
      const rates: number[][] = [[], []];
      for (let round = 0; round < ROUNDS; round += 1) {
        const order = round % 2 === 0 ? [0, 1] : [1, 0];
        for (const index of order) {
          const { server } = servers[index];
          const before = server.cpuMs();
          const result = await load(server, ROUND_SECONDS);
          if (result.failures) throw new Error(`${servers[index].build.label}: ${result.failures} failed requests in ${name}`);
          cpu[index].push((server.cpuMs() - before) / result.requests);
          rates[index].push(result.requestsPerSecond);
          if (name === 'addModel') await database.removeWrites();
        }
      }
      const ratio = (values: number[][]) => median(values[1].map((value, round) => value / values[0][round])).toFixed(2);
      log(
        `  ${name.padEnd(13)} CPU ms/request old ${median(cpu[0]).toFixed(3)} new ${median(cpu[1]).toFixed(3)} (new/old ${ratio(cpu)}); ` +
          `req/s old ${median(rates[0]).toFixed(0)} new ${median(rates[1]).toFixed(0)} (new/old ${ratio(rates)})`,
      );
    }
  } finally {
    await stopAllChildren();
    await database.drop();
    // The checkout is removed first: git forgets a worktree only once its folder is gone.
    rmSync(workDir, { recursive: true, force: true });
    execFileSync('git', ['worktree', 'prune'], { cwd: REPOSITORY_ROOT });
  }
}

/** Checks the revision out in a temporary worktree and compiles it with this tree's node_modules. */
function buildRevision(revision: string, workDir: string): Build {
  const commit = execFileSync('git', ['rev-parse', '--short', revision], { cwd: REPOSITORY_ROOT, encoding: 'utf8' }).trim();
  const checkout = path.join(workDir, `revision-${commit}`);
  log(`building ${revision} (${commit}) in ${checkout}`);
  execFileSync('git', ['worktree', 'add', '--detach', '--quiet', checkout, commit], { cwd: REPOSITORY_ROOT });
  symlinkSync(path.join(REPOSITORY_ROOT, 'node_modules'), path.join(checkout, 'node_modules'));
  execFileSync(process.execPath, [path.join(REPOSITORY_ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: checkout, stdio: 'inherit' });
  // GraphiQL's bundle is not part of what is measured: this tree's stands in for the old one.
  cpSync(path.join(REPOSITORY_ROOT, 'dist/graphiql'), path.join(checkout, 'dist/graphiql'), { recursive: true });
  return { label: commit, main: path.join(checkout, 'dist/src/main.js') };
}

async function startServer(build: Build, databaseUrl: string, workDir: string): Promise<ChildServer> {
  const port = await freePort();
  return startChildServer({
    name: build.label,
    command: process.execPath,
    args: [build.main],
    env: { ...process.env, NODE_ENV: 'production', DATABASE_URL: databaseUrl, DATABASE_POOL_SIZE: String(CONNECTIONS), LITELLM_MASTER_KEY: MASTER_KEY, HOST: '127.0.0.1', PORT: String(port) },
    cwd: workDir,
    logFile: path.join(workDir, `${build.label.replace(/\W/g, '-')}.log`),
    port,
    isReady: async (baseUrl) => (await fetch(`${baseUrl}/readyz`)).ok,
  });
}



runBench('bench:builds', main);
