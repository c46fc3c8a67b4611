// The default database: PGlite persisted under DATA_DIR, served over the Postgres wire protocol on a
// loopback port so the ordinary postgresql driver reaches it exactly as it reaches a real server.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import type { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { StartupError } from '../../errors/StartupError';
import { createDatabase } from './createDatabase';
import { chooseWasmCompiler, databaseBytes, POSTGRES_SETTINGS } from './pgliteSettings';

export interface EmbeddedDatabase {
  /** postgres:// URL of the socket server. */
  url: string;
  stop(): Promise<void>;
}

/** `dataDir` undefined keeps the database in memory (tests). */
export async function startEmbeddedDatabase(dataDir?: string): Promise<EmbeddedDatabase> {
  const storage = dataDir ? path.join(dataDir, 'pglite') : undefined;
  const prepared = storage ? prepareStorage(storage) : { unlock: () => undefined, isNew: false };
  try {
    if (prepared.isNew) await createDatabase(storage!);
    // PGlite and its socket server ship as ES modules that load their WASM dynamically.
    const { PGlite } = await import('@electric-sql/pglite');
    const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');

    let db: PGlite;
    try {
      chooseWasmCompiler(storage ? databaseBytes(storage) : 0);
      db = await PGlite.create(storage, { startParams: [...PGlite.defaultStartParams, ...POSTGRES_SETTINGS] });
      await db.query('select 1');
    } catch (cause) {
      throw StartupError.embeddedDatabaseUnusable(storage ?? 'memory', cause);
    }
    const server: PGLiteSocketServer = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 1 });
    await server.start();
    return {
      url: `postgres://postgres@${server.getServerConn()}/postgres`,
      async stop() {
        await server.stop();
        await db.close();
        prepared.unlock();
      },
    };
  } catch (error) {
    prepared.unlock();
    throw error;
  }
}

/** Creates the directory and locks it; `isNew` when it holds no database yet. */
function prepareStorage(storage: string): { unlock: () => void; isNew: boolean } {
  try {
    mkdirSync(storage, { recursive: true });
  } catch (cause) {
    throw StartupError.embeddedDatabaseUnusable(storage, cause);
  }
  const unlock = lockStorage(storage);
  // PGlite runs initdb wherever PG_VERSION is missing, even over the files of an existing database.
  if (existsSync(path.join(storage, 'PG_VERSION'))) return { unlock, isNew: false };
  if (readdirSync(storage).length > 0) {
    unlock();
    throw StartupError.embeddedDatabaseUnusable(storage, new Error('PG_VERSION is missing'));
  }
  return { unlock, isNew: true };
}

/**
 * One process at a time: PGlite takes no lock of its own, and two processes (a second `npm start`,
 * `npm run migrate` beside a running server) writing one directory corrupt it.
 */
function lockStorage(storage: string): () => void {
  const lockFile = `${storage}.lock`;
  const unlock = () => rmSync(lockFile, { force: true });
  try {
    writeFileSync(lockFile, `${process.pid}\n`, { flag: 'wx' });
    return unlock;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw StartupError.embeddedDatabaseUnusable(storage, error);
  }
  const holder = Number(readFileSync(lockFile, 'utf8').trim());
  if (isAnotherRunningProcess(holder)) throw StartupError.embeddedDatabaseInUse(storage, holder, lockFile);
  // Left behind by a process that is gone.
  writeFileSync(lockFile, `${process.pid}\n`);
  return unlock;
}

function isAnotherRunningProcess(pid: number): boolean {
  // The same pid as ours: a lock from before a container restart, where the server is always pid 1.
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
