// The embedded database on disk: a first start creates it in a child process and the next start opens it;
// a failed creation is a clear StartupError and leaves nothing half-made; the DATA_DIR lock holds throughout.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { createDatabase } from '../../../src/database/embedded/createDatabase';
import { startEmbeddedDatabase } from '../../../src/database/embedded/EmbeddedDatabase';
import { SHARED_BUFFERS } from '../../../src/database/embedded/postgresSettings';
import { StartupError } from '../../../src/errors/StartupError';

const MIGRATE = path.join(__dirname, '../../../dist/src/migrate.js');
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

function runMigrate(dataDir: string): Promise<{ code: number | null; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir };
  delete env.DATABASE_URL;
  delete env.NODE_OPTIONS;
  const child = spawn(process.execPath, [MIGRATE], { cwd: workDir, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stderr })));
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
        expect(await query(first.url, 'SHOW shared_buffers')).toEqual([{ shared_buffers: SHARED_BUFFERS }]);
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
