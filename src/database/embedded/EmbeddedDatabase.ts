// The default database: PGlite persisted under DATA_DIR, served over the Postgres wire protocol on a
// loopback port so the ordinary postgresql driver reaches it exactly as it reaches a real server.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import type { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { StartupError } from '../../errors/StartupError';

export interface EmbeddedDatabase {
  /** postgres:// URL of the socket server. */
  url: string;
  stop(): Promise<void>;
}

/** `dataDir` undefined keeps the database in memory (tests). */
export async function startEmbeddedDatabase(dataDir?: string): Promise<EmbeddedDatabase> {
  const storage = dataDir ? path.join(dataDir, 'pglite') : undefined;
  if (storage) mkdirSync(storage, { recursive: true });
  // PGlite and its socket server ship as ES modules that load their WASM dynamically.
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');

  let db: PGlite;
  try {
    db = await PGlite.create(storage);
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
    },
  };
}
