// One jest worker's PGlite, in a process of its own (started by workerPglite.ts): an in-memory database served
// over the Postgres wire protocol, and a loopback control endpoint that wipes it for the next test file.
// Usage: node pgliteHost.mjs <pid of the jest run>; prints {"url","controlUrl"} as one line once it listens.
import { createServer } from 'node:http';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/** How long a reset waits for the connection of the previous test file to close. */
const IDLE_WAIT_MS = 15_000;
const runPid = Number(process.argv[2]);

const db = await PGlite.create();
// PGlite is one session: one connection at a time, as the embedded server runs it.
const sockets = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 1 });
await sockets.start();

/** Back to what a fresh PGlite holds: no schema but an empty public, no session state, no open transaction. */
async function reset() {
  const deadline = Date.now() + IDLE_WAIT_MS;
  while (sockets.getStats().activeConnections > 0) {
    if (Date.now() > deadline) throw new Error('a connection of an earlier test file is still open (a server or client not stopped?)');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  if (db.isInTransaction()) await db.exec('ROLLBACK');
  const { rows } = await db.query(`SELECT nspname FROM pg_namespace WHERE nspname <> 'information_schema' AND nspname NOT LIKE 'pg\\_%'`);
  for (const { nspname } of rows) await db.exec(`DROP SCHEMA "${nspname}" CASCADE`);
  await db.exec('CREATE SCHEMA public');
  await db.exec('DISCARD ALL');
}

const control = createServer((request, response) => {
  // Each test file is a new client: a kept-alive socket it would inherit from the last one may be closing.
  response.setHeader('connection', 'close');
  if (request.method !== 'POST' || request.url !== '/reset') {
    response.writeHead(404).end();
    return;
  }
  reset().then(
    () => response.writeHead(204).end(),
    (error) => response.writeHead(500, { 'content-type': 'text/plain' }).end(String(error?.message ?? error)),
  );
});
control.listen(0, '127.0.0.1', () => {
  const { port } = control.address();
  process.stdout.write(`${JSON.stringify({ url: `postgres://postgres@${sockets.getServerConn()}/postgres`, controlUrl: `http://127.0.0.1:${port}` })}\n`);
});

async function stop() {
  control.close();
  await sockets.stop();
  await db.close();
  process.exit(0);
}
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
// Gone with the jest run even when it never reached its teardown (killed, interrupted).
setInterval(() => {
  try {
    process.kill(runPid, 0);
  } catch {
    void stop();
  }
}, 1000).unref();
