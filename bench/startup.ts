// `npm run bench:startup [-- <other build's dist/src/main.js> …]`: how long the compiled server takes from
// spawn to its first answered GraphQL request on the embedded database, and its resident memory once idle;
// first start (new DATA_DIR) and warm start (the DATA_DIR a first start left). Nothing in the server is
// changed for the measurement: no forced GC, no flags, the memory a user's `npm start` would hold. Given other
// builds, the builds take turns start by start, so outside load on a shared machine falls on each alike.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { log, median, runBench } from './benchSupport';

/** Measured starts of each kind, per build. */
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
/** How often the server is asked whether it answers yet. */
const POLL_INTERVAL_MS = 20;
/** How long the server sits idle after its first answer before its memory is read. */
const IDLE_MS = 5000;
/** A start slower than this is reported as a failure. */
const START_TIMEOUT_MS = 120_000;
/** Goal for the idle resident memory of either start (issue 17). */
const IDLE_RSS_GOAL_MIB = 200;

const THIS_TREE = path.join(__dirname, '../src/main.js');
const PROBE = JSON.stringify({ query: '{ me { authenticated } }' });

interface Sample {
  msToFirstAnswer: number;
  /** CPU the server and the processes it waited for used until then: barely moved by other load, unlike wall time. */
  cpuMsToFirstAnswer: number;
  idleRssMiB: number;
  /** The server's own high-water mark (VmHWM); a child's memory is not in it. */
  peakRssMiB: number;
}

interface Build {
  label: string;
  main: string;
  first: Sample[];
  warm: Sample[];
}

/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in hundredths of a second. */
const CLOCK_TICKS_PER_SECOND = 100;

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: PROBE });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}

function cpuMs(pid: number): number {
  // Fields after the parenthesised command name, from state (field 3): utime 14, stime 15, and cutime 16,
  // cstime 17 of the children it has waited for (the process that creates a new database).
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const ticks = [11, 12, 13, 14].reduce((sum, index) => sum + Number(fields[index]), 0);
  return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
}

function statusMiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((entry) => entry.startsWith(`${field}:`));
  if (!line) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(line.replace(/\D+/g, '')) / 1024;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** One start of a compiled server on `dataDir`, as `npm start` runs it after its build. */
async function measureStart(main: string, dataDir: string): Promise<Sample> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir };
  for (const name of ['NODE_OPTIONS', 'DATABASE_URL', 'LITELLM_MASTER_KEY', 'CONFIG_FILE', 'NODE_ENV']) delete env[name];
  const started = performance.now();
  const child = spawn(process.execPath, [main], { cwd: dataDir, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    const url = `http://127.0.0.1:${port}/graphql`;
    while (!(await answers(url))) {
      if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}: ${stderr.trim()}`);
      if (performance.now() - started > START_TIMEOUT_MS) throw new Error(`no answer within ${START_TIMEOUT_MS} ms`);
      await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
    }
    const msToFirstAnswer = performance.now() - started;
    const cpuMsToFirstAnswer = cpuMs(child.pid!);
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
    return { msToFirstAnswer, cpuMsToFirstAnswer, idleRssMiB: statusMiB(child.pid!, 'VmRSS'), peakRssMiB: statusMiB(child.pid!, 'VmHWM') };
  } finally {
    await stop(child);
  }
}

function printTable(builds: readonly Build[]): void {
  log('| build | start | ms to first answer | CPU ms to first answer | idle RSS (MiB) | peak RSS (MiB) | runs: ms / CPU ms / idle MiB |');
  log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const build of builds) {
    for (const [label, samples] of [['first (new DATA_DIR)', build.first], ['warm (existing DATA_DIR)', build.warm]] as const) {
      const medianOf = (pick: (sample: Sample) => number) => Math.round(median(samples.map(pick)));
      const runs = samples
        .map((sample) => [sample.msToFirstAnswer, sample.cpuMsToFirstAnswer, sample.idleRssMiB].map(Math.round).join(' / '))
        .join(', ');
      log(
        `| ${build.label} | ${label} | ${medianOf((s) => s.msToFirstAnswer)} | ${medianOf((s) => s.cpuMsToFirstAnswer)} | ` +
          `${medianOf((s) => s.idleRssMiB)} | ${medianOf((s) => s.peakRssMiB)} | ${runs} |`,
      );
    }
  }
}

async function main(): Promise<void> {
  const others = process.argv.slice(2);
  const builds: Build[] = [
    { label: 'this tree', main: THIS_TREE, first: [], warm: [] },
    ...others.map((main) => ({ label: main, main: path.resolve(main), first: [], warm: [] })),
  ];
  const root = mkdtempSync(path.join(os.tmpdir(), 'mag-bench-startup-'));
  const loadBefore = os.loadavg()[0];
  try {
    // A warm start opens the DATA_DIR (database and master key) that the build's first measured start left.
    const kept = new Map<Build, string>();
    for (let run = 0; run < RUNS; run++) {
      for (const build of builds) {
        const dataDir = mkdtempSync(path.join(root, 'first-'));
        build.first.push(await measureStart(build.main, dataDir));
        if (!kept.has(build)) kept.set(build, dataDir);
        else rmSync(dataDir, { recursive: true, force: true });
      }
    }
    for (let run = 0; run < RUNS; run++) {
      for (const build of builds) build.warm.push(await measureStart(build.main, kept.get(build)!));
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  log(`npm run bench:startup${others.length ? ` -- ${others.join(' ')}` : ''}`);
  log(
    `node <build>/dist/src/main.js on the embedded database, ${RUNS} runs of each start per build, medians; idle RSS ${IDLE_MS / 1000} s ` +
      `after the first answer, goal under ${IDLE_RSS_GOAL_MIB} MiB (${os.cpus().length} CPUs, load ${loadBefore.toFixed(1)} before, ` +
      `${os.loadavg()[0].toFixed(1)} after)\n`,
  );
  printTable(builds);
}

runBench('bench:startup', main);
