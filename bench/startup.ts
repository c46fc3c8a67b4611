// `npm run bench:startup`: how long the compiled server takes from spawn to its first answered GraphQL
// request on the embedded database, and its resident memory once idle; cold (new DATA_DIR) and warm.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { median } from './benchSupport';

/** Measured starts of each kind. */
const RUNS = 3;
/** How often the server is asked whether it answers yet. */
const POLL_INTERVAL_MS = 20;
/** How long the server sits idle before its memory is read. */
const IDLE_MS = 3000;
/** A start slower than this is reported as a failure. */
const START_TIMEOUT_MS = 120_000;

const MAIN = path.join(__dirname, '../src/main.js');
const PROBE = JSON.stringify({ query: '{ me { authenticated } }' });

interface Sample {
  msToFirstAnswer: number;
  /** CPU the server used until then: unlike wall time, barely moved by other load on the machine. */
  cpuMsToFirstAnswer: number;
  idleRssMiB: number;
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
  // Fields after the parenthesised command name: state is field 3, utime 14 and stime 15.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
}

function residentMiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((entry) => entry.startsWith('VmRSS:'));
  if (!line) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(line.replace(/\D+/g, '')) / 1024;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** One start of the compiled server on `dataDir`, as `npm start` runs it after its build. */
async function measureStart(dataDir: string): Promise<Sample> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir };
  for (const name of ['NODE_OPTIONS', 'DATABASE_URL', 'LITELLM_MASTER_KEY', 'CONFIG_FILE', 'NODE_ENV']) delete env[name];
  const started = performance.now();
  const child = spawn(process.execPath, [MAIN], { cwd: dataDir, env, stdio: ['ignore', 'ignore', 'pipe'] });
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
    return { msToFirstAnswer, cpuMsToFirstAnswer, idleRssMiB: residentMiB(child.pid!) };
  } finally {
    await stop(child);
  }
}

async function main(): Promise<void> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'mag-bench-startup-'));
  try {
    const coldDataDirs = Array.from({ length: RUNS }, () => mkdtempSync(path.join(root, 'cold-')));
    const cold: Sample[] = [];
    for (const dataDir of coldDataDirs) cold.push(await measureStart(dataDir));
    // Warm: a DATA_DIR a cold start left behind, with its database and master key.
    const existing = coldDataDirs[0];
    const warm: Sample[] = [];
    for (let run = 0; run < RUNS; run++) warm.push(await measureStart(existing));

    const rows = [
      ['cold (new DATA_DIR)', cold],
      ['warm (existing DATA_DIR)', warm],
    ] as const;
    console.log(`node dist/src/main.js on the embedded database; ${RUNS} runs each, medians (${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(1)})\n`);
    console.log('| start | ms to first answer | CPU ms to first answer | idle RSS (MiB) | runs: ms / CPU ms / MiB |');
    console.log('| --- | --- | --- | --- | --- |');
    for (const [label, samples] of rows) {
      const medianOf = (pick: (sample: Sample) => number) => Math.round(median(samples.map(pick)));
      const runs = samples
        .map((sample) => [sample.msToFirstAnswer, sample.cpuMsToFirstAnswer, sample.idleRssMiB].map(Math.round).join(' / '))
        .join(', ');
      console.log(
        `| ${label} | ${medianOf((s) => s.msToFirstAnswer)} | ${medianOf((s) => s.cpuMsToFirstAnswer)} | ${medianOf((s) => s.idleRssMiB)} | ${runs} |`,
      );
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(`bench:startup: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
