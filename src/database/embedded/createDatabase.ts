// A new embedded database is made in a short-lived child process: PGlite's initdb leaves about 500 MB behind
// in the process that ran it (two more WASM instances and a copy of one's memory), and only that process's
// end gives them back. The server then opens the finished directory as on any later start.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, renameSync, rmdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { StartupError } from '../../errors/StartupError';
import { BASELINE_COMPILER_FLAGS, POSTGRES_SETTINGS } from './pgliteSettings';

/**
 * What the child runs, as `node -e` text so it runs the same from dist/ and under ts-jest. Opening PGlite
 * on a directory without PG_VERSION runs initdb there; closing it leaves the database at rest. It reports
 * a failure over the IPC channel, and gives up when that channel closes (its parent is gone).
 */
const CREATE_DATABASE_PROGRAM = `
process.on('disconnect', () => process.exit(1));
const [pglite, directory, settings] = process.argv.slice(1);
const { PGlite } = require(pglite);
PGlite.create(directory, { startParams: [...PGlite.defaultStartParams, ...JSON.parse(settings)] })
  .then((db) => db.close())
  .then(
    () => process.exit(0),
    (error) => process.send({ error: String((error && error.message) || error) }, () => process.exit(1)),
  );
`;

interface ChildReport {
  error?: string;
}

/**
 * Creates the database `storage` names, which must be absent or an empty directory, while the caller holds
 * its lock. It is built beside `storage` and renamed into place whole, so a creation that fails or is killed
 * leaves no half-made database that the next start would refuse.
 */
export async function createDatabase(storage: string, settings: readonly string[] = POSTGRES_SETTINGS): Promise<void> {
  removeAbandonedCreations(storage);
  const building = `${storage}${BUILDING_SUFFIX}${process.pid}`;
  try {
    await runChild(building, settings);
    // The empty directory the caller locked beside; rmdir refuses anything else.
    if (existsSync(storage)) rmdirSync(storage);
    renameSync(building, storage);
  } catch (cause) {
    rmSync(building, { recursive: true, force: true });
    throw StartupError.embeddedDatabaseNotCreated(storage, cause);
  }
}

const BUILDING_SUFFIX = '.creating-';

/** Directories of creations whose process died: under the caller's lock nothing else writes them. */
function removeAbandonedCreations(storage: string): void {
  const parent = path.dirname(storage);
  const prefix = `${path.basename(storage)}${BUILDING_SUFFIX}`;
  for (const name of readdirSync(parent)) {
    if (name.startsWith(prefix)) rmSync(path.join(parent, name), { recursive: true, force: true });
  }
}

function runChild(directory: string, settings: readonly string[]): Promise<void> {
  const child = spawn(
    process.execPath,
    [...BASELINE_COMPILER_FLAGS, '-e', CREATE_DATABASE_PROGRAM, require.resolve('@electric-sql/pglite'), directory, JSON.stringify(settings)],
    { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] },
  );
  let report: ChildReport = {};
  let stderr = '';
  child.on('message', (message: ChildReport) => (report = message));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (code === 0) return resolve();
      const lastLine = stderr.trim().split('\n').pop();
      const problem = report.error ?? (signal ? `killed by ${signal}` : `exit code ${code}${lastLine ? `: ${lastLine}` : ''}`);
      reject(new Error(`the process creating it failed: ${problem}`));
    });
  });
}
