// The embedded database on disk: a first start creates it in a child process and the next start opens it;
// a failed creation is a clear StartupError and leaves nothing half-made; the DATA_DIR lock holds throughout.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { createDatabase } from '../../../src/database/embedded/createDatabase';
import { startEmbeddedDatabase } from '../../../src/database/embedded/EmbeddedDatabase';
import { StartupError } from '../../../src/errors/StartupError';

const MIGRATE = path.join(__dirname, '../../../dist/src/migrate.js');
const MAIN = path.join(__dirname, '../../../dist/src/main.js');
/**
 * A bound on the server's resident memory once it answers after a first start: about 165 MiB measured; over
 * 800 MiB when initdb ran in the server's own process, about 290 MiB with the buffer pool in mmap'd memory
 * (bench:startup measures the figures).
 */
const FIRST_START_RSS_BOUND_MIB = 250;
/** A database creation takes seconds, more on a loaded machine. */
const CREATION_TIMEOUT_MS = 180_000;

const workDir = mkdtempSync(path.join(os.tmpdir(), 'mag-embedded-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

async function query(url: string, text: string): Promise<Record<string, unknown>[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

/** Names beside the database directory left by creations (`pglite.creating-<pid>`). */
function creationsIn(dataDir: string): string[] {
  return readdirSync(dataDir).filter((name) => name.startsWith('pglite.creating-'));
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function compiledProcessEnvironment(dataDir: string): NodeJS.ProcessEnv {
  // As a user starts it: no jest --experimental-vm-modules, no DATABASE_URL of the PostgreSQL test half.
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir };
  delete env.DATABASE_URL;
  delete env.NODE_OPTIONS;
  return env;
}

function residentMiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((entry) => entry.startsWith('VmRSS:'));
  return Number(line!.replace(/\D+/g, '')) / 1024;
}

function runMigrate(dataDir: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [MIGRATE], { cwd: workDir, env: compiledProcessEnvironment(dataDir), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

describe('the embedded database in a DATA_DIR', () => {
  it(
    'a first start creates the database (clearing what an abandoned creation left) and a second start reuses it',
    async () => {
      const dataDir = path.join(workDir, 'reused');
      const abandoned = path.join(dataDir, 'pglite.creating-999999');
      mkdirSync(abandoned, { recursive: true });
      writeFileSync(path.join(abandoned, 'PG_VERSION'), 'half-made\n');

      const first = await startEmbeddedDatabase(dataDir);
      try {
        await query(first.url, 'CREATE TABLE kept (note text); INSERT INTO kept VALUES ($$written by the first start$$)');
        expect(await query(first.url, 'SHOW shared_memory_type')).toEqual([{ shared_memory_type: 'sysv' }]);
      } finally {
        await first.stop();
      }
      expect(creationsIn(dataDir)).toEqual([]);
      expect(existsSync(path.join(dataDir, 'pglite', 'PG_VERSION'))).toBe(true);

      const second = await startEmbeddedDatabase(dataDir);
      try {
        expect(await query(second.url, 'SELECT note FROM kept')).toEqual([{ note: 'written by the first start' }]);
      } finally {
        await second.stop();
      }
    },
    CREATION_TIMEOUT_MS,
  );

  it(
    'the lock holds while the child process creates the database: npm run migrate on the same DATA_DIR is refused',
    async () => {
      const dataDir = path.join(workDir, 'locked');
      const starting = startEmbeddedDatabase(dataDir);
      await waitFor(() => existsSync(dataDir) && creationsIn(dataDir).length > 0, CREATION_TIMEOUT_MS);

      const migrate = await runMigrate(dataDir);
      expect(migrate.code).toBe(1);
      expect(migrate.stderr).toMatch(new RegExp(`embedded database in .*locked.* is in use by process ${process.pid}`));

      const embedded = await starting;
      await embedded.stop();
      expect(existsSync(path.join(dataDir, 'pglite.lock'))).toBe(false);
    },
    CREATION_TIMEOUT_MS,
  );

  it(
    'npm run migrate on a new DATA_DIR creates the database and applies the migrations; run again, it applies nothing',
    async () => {
      const dataDir = path.join(workDir, 'migrated');
      const first = await runMigrate(dataDir);
      expect(first).toMatchObject({ code: 0, stderr: '' });
      expect(first.stdout).toMatch(/^applied: \S/);
      expect(creationsIn(dataDir)).toEqual([]);

      expect(await runMigrate(dataDir)).toEqual({ code: 0, stdout: 'nothing to migrate\n', stderr: '' });
      const embedded = await startEmbeddedDatabase(dataDir);
      try {
        const tables = await query(embedded.url, `SELECT count(*)::int AS count FROM pg_tables WHERE tablename = 'LiteLLM_ProxyModelTable'`);
        expect(tables).toEqual([{ count: 1 }]);
      } finally {
        await embedded.stop();
      }
    },
    CREATION_TIMEOUT_MS,
  );

  it(
    `a server's first start keeps initdb's memory out of its own process: under ${FIRST_START_RSS_BOUND_MIB} MiB resident once it answers`,
    async () => {
      const dataDir = path.join(workDir, 'first-start');
      const env = { ...compiledProcessEnvironment(dataDir), PORT: '0', HOST: '127.0.0.1', LITELLM_MASTER_KEY: 'sk-embedded-test-master-key' };
      const child = spawn(process.execPath, [MAIN], { cwd: workDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
      try {
        let stdout = '';
        child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        await waitFor(() => /"url":"http[^"]+"/.test(stdout) || child.exitCode !== null, CREATION_TIMEOUT_MS);
        const url = /"url":"(http[^"]+)"/.exec(stdout)![1];
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: 'Bearer sk-embedded-test-master-key' },
          body: JSON.stringify({ query: '{ me { role } }' }),
        });
        expect(await response.json()).toEqual({ data: { me: { role: 'PROXY_ADMIN' } } });
        expect(residentMiB(child.pid!)).toBeLessThan(FIRST_START_RSS_BOUND_MIB);
      } finally {
        child.kill('SIGTERM');
        await new Promise((resolve) => child.once('close', resolve));
      }
    },
    CREATION_TIMEOUT_MS,
  );

  it(
    'a creation that fails is a StartupError naming the directory, leaves no database behind, and a retry succeeds',
    async () => {
      const storage = path.join(workDir, 'failing', 'pglite');
      mkdirSync(storage, { recursive: true });

      const failure = await createDatabase(storage, ['-c', 'shared_buffers=nonsense']).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(StartupError);
      expect((failure as StartupError).message).toMatch(/^the embedded database in .*failing.pglite could not be created \(the process creating it failed: .+\)/);
      expect(readdirSync(storage)).toEqual([]);
      expect(creationsIn(path.dirname(storage))).toEqual([]);

      await createDatabase(storage);
      expect(existsSync(path.join(storage, 'PG_VERSION'))).toBe(true);
    },
    CREATION_TIMEOUT_MS,
  );
});
