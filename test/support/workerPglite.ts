// One PGlite per jest worker, not one per test file (a PGlite start costs seconds): the first file of a worker
// starts it in a process of its own (pgliteHost.mjs), the worker's later files find it in the run folder that
// jestGlobalSetup.ts made, and every file gets it wiped first. A worker runs one file at a time, so each file
// still has a database of its own.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';

const HOST_SCRIPT = path.join(__dirname, 'pgliteHost.mjs');
const HOST_START_TIMEOUT_MS = 120_000;

export const RUN_FOLDER_VARIABLE = 'MAG_TEST_RUN_DIR';
export const RUN_PID_VARIABLE = 'MAG_TEST_RUN_PID';

interface PgliteHost {
  pid: number;
  /** postgres:// URL of its socket server. */
  url: string;
  /** Its control endpoint (POST /reset). */
  controlUrl: string;
}

function runFolder(): string {
  const folder = process.env[RUN_FOLDER_VARIABLE];
  if (!folder || !existsSync(folder)) throw new Error(`${RUN_FOLDER_VARIABLE} is not set: run the tests through jest.config.js (npm test), whose globalSetup makes it`);
  return folder;
}

function hostFile(folder: string): string {
  return path.join(folder, `pglite-worker-${process.env.JEST_WORKER_ID ?? '1'}.json`);
}

/** The PGlite of this worker, started on first use, wiped: its URL. */
export async function freshWorkerPglite(): Promise<string> {
  const folder = runFolder();
  const file = hostFile(folder);
  const host = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as PgliteHost) : await startHost(folder, file);
  const response = await fetch(`${host.controlUrl}/reset`, { method: 'POST' });
  if (response.status !== 204) throw new Error(`the worker's PGlite (pid ${host.pid}) could not be reset: ${await response.text()}`);
  return host.url;
}

async function startHost(folder: string, file: string): Promise<PgliteHost> {
  const log = path.join(folder, `${path.basename(file, '.json')}.log`);
  const logFd = openSync(log, 'a');
  const child = spawn(process.execPath, [HOST_SCRIPT, process.env[RUN_PID_VARIABLE] ?? String(process.pid)], {
    // Without jest's NODE_OPTIONS: the host loads PGlite as plain Node does.
    env: { ...process.env, NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', logFd],
  });
  closeSync(logFd);
  const announced = await new Promise<Omit<PgliteHost, 'pid'>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the worker's PGlite did not start within ${HOST_START_TIMEOUT_MS} ms (see ${log})`)), HOST_START_TIMEOUT_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the worker's PGlite exited with ${code} before listening: ${readFileSync(log, 'utf8')}`));
    });
    createInterface({ input: child.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      resolve(JSON.parse(line));
    });
  });
  // It outlives this test file: the worker's next files use it, jestGlobalTeardown.ts stops it.
  child.removeAllListeners('exit');
  child.stdout!.destroy();
  child.unref();
  const host = { pid: child.pid!, ...announced };
  writeFileSync(file, JSON.stringify(host));
  return host;
}

/** After the run: stops every worker's PGlite. */
export function stopWorkerPglites(folder: string): void {
  for (const name of readdirSync(folder).filter((entry) => /^pglite-worker-.*\.json$/.test(entry))) {
    const { pid } = JSON.parse(readFileSync(path.join(folder, name), 'utf8')) as PgliteHost;
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
  }
}
