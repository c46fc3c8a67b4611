// Starts the real server (in this process, on a loopback port) over a test database, and talks to it
// over HTTP the way a client does.
import os from 'node:os';
import path from 'node:path';
import { mkdtempSync } from 'node:fs';
import { Writable } from 'node:stream';
import type { DestinationStream } from 'pino';
import { startApp, type RunningApp } from '../../src/app/startApp';
import { loadSettings, type Settings } from '../../src/config/settings';
import { createLogger } from '../../src/server/logger';
import { createTestDatabase, type DatabaseKind, type TestDatabase } from './testDatabases';

export const TEST_MASTER_KEY = 'sk-test-master-key-0123456789';

export interface GraphqlError {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; [key: string]: unknown };
}

export interface GraphqlResponse<Data = Record<string, any>> {
  status: number;
  data?: Data | null;
  errors?: GraphqlError[];
}

/** The extensions.code of each error of an answer, in order ('(none)' for an error without one); [] when it has none. */
export function errorCodes(answer: { errors?: GraphqlError[] | null; json?: { errors?: GraphqlError[] } }): string[] {
  return (answer.errors ?? answer.json?.errors ?? []).map((error) => error.extensions?.code ?? '(none)');
}

export interface TestServer {
  url: string;
  app: RunningApp;
  /** POSTs one GraphQL operation; `key` defaults to the master key, null sends none. */
  graphql<Data = Record<string, any>>(query: string, variables?: Record<string, unknown>, key?: string | null): Promise<GraphqlResponse<Data>>;
  /** Raw SQL through the server's own pool (PGlite allows one connection at a time). */
  sql<Row = Record<string, any>>(text: string, values?: unknown[]): Promise<Row[]>;
  stop(): Promise<void>;
}

/** Where a test server logs, when a test reads its log: every line (level trace unless told) as JSON. */
export interface TestServerLog {
  destination: DestinationStream;
  level?: string;
}

export interface CapturedServerLog extends TestServerLog {
  /** Everything written so far, exactly as written. */
  text(): string;
  /** Each line parsed. */
  lines(): Record<string, any>[];
}

/** A log destination for startTestServer that keeps everything the server writes. */
export function captureLog(level?: string): CapturedServerLog {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  const text = () => chunks.join('');
  const lines = () => text().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, any>);
  return { destination, level, text, lines };
}

export async function startTestServer(database: TestDatabase, overrides: Partial<Settings> = {}, log?: TestServerLog): Promise<TestServer> {
  const settings: Settings = {
    ...loadSettings({}),
    databaseUrl: database.url,
    databasePoolSize: database.poolSize,
    port: 0,
    host: '127.0.0.1',
    masterKey: TEST_MASTER_KEY,
    dataDir: mkdtempSync(path.join(os.tmpdir(), 'mag-data-')),
    configFile: undefined,
    // The worker's PGlite is one session for every server of every test file, as the embedded database is one
    // session: nothing is prepared there (startApp does the same), unless a test asks.
    databasePreparedStatements: database.kind === 'postgres',
    ...overrides,
  };
  const logger = log ? createLogger(log.level ?? 'trace', log.destination) : createLogger(process.env.LOG_LEVEL ?? 'silent');
  const app = await startApp(settings, logger);
  return {
    url: app.url,
    app,
    graphql: (query, variables, key = TEST_MASTER_KEY) => postGraphql(app.url, query, variables, key),
    sql: async (text, values) => (await app.orm.em.fork().getConnection().execute(text, values as any[] | undefined)) as any,
    stop: () => app.stop(),
  };
}

export async function postGraphql<Data>(
  baseUrl: string,
  query: string,
  variables?: Record<string, unknown>,
  key: string | null = TEST_MASTER_KEY,
): Promise<GraphqlResponse<Data>> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (key) headers.authorization = `Bearer ${key}`;
  const response = await fetch(`${baseUrl}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  const body = (await response.json()) as Omit<GraphqlResponse<Data>, 'status'>;
  return { status: response.status, ...body };
}

export interface ServerHandle {
  database: TestDatabase;
  /** The first of `servers`. */
  server: TestServer;
  /** Every instance over the database (ServerForEachFileOptions.instances). */
  servers: TestServer[];
}

export interface ServerForEachFileOptions {
  /** Runs on the new database before any server starts, e.g. to lay out the tables an older proxy left. */
  beforeStart?(database: TestDatabase): Promise<void>;
  /** Server instances over the one database, as behind a load balancer (default 1). */
  instances?: number;
  /** See TestDatabaseOptions.ownPglite. */
  ownPglite?: boolean;
  /** Where the servers log (captureLog), for a test that reads the log. */
  log?: TestServerLog;
}

/**
 * A fresh database and a server over it for the enclosing describe block; `settings` is read in beforeAll.
 * Stopped and dropped in afterAll.
 */
export function serverForEachFile(
  kind: DatabaseKind,
  settings: () => Partial<Settings> = () => ({}),
  options: ServerForEachFileOptions = {},
): ServerHandle {
  const handle = { servers: [] as TestServer[] } as ServerHandle;
  beforeAll(async () => {
    handle.database = await createTestDatabase(kind, { ownPglite: options.ownPglite });
    await options.beforeStart?.(handle.database);
    const overrides = settings();
    for (let instance = 0; instance < (options.instances ?? 1); instance += 1) handle.servers.push(await startTestServer(handle.database, overrides, options.log));
    handle.server = handle.servers[0];
  });
  afterAll(async () => {
    for (const server of handle.servers) await server.stop();
    await handle.database?.drop();
  });
  return handle;
}
