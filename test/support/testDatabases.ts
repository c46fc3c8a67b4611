// Each integration test file runs against an empty PGlite (its jest worker's, wiped for it) and, when
// TEST_DATABASE_URL is set, a fresh PostgreSQL database created for it and dropped after.
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { startEmbeddedDatabase } from '../../src/database/embedded/EmbeddedDatabase';
import { freshWorkerPglite } from './workerPglite';

export type DatabaseKind = 'pglite' | 'postgres';

/** How to run the PostgreSQL half, as the README gives it. */
export const POSTGRES_TEST_COMMAND = 'TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm test';

export interface TestDatabase {
  kind: DatabaseKind;
  url: string;
  poolSize: number;
  /** Runs raw SQL through its own short-lived connection (outside the server). */
  sql<Row = Record<string, unknown>>(text: string, values?: unknown[]): Promise<Row[]>;
  /** Idempotent. */
  drop(): Promise<void>;
}

export interface TestDatabaseOptions {
  /**
   * PGlite only: a PGlite of its own, started for this database and stopped by drop(), for a test that stops the
   * database under a running server. Otherwise it is the worker's PGlite, wiped.
   */
  ownPglite?: boolean;
}

export function testDatabaseKinds(): DatabaseKind[] {
  return process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

/** `describe` for what only PostgreSQL does: skipped (not failed, not empty) when TEST_DATABASE_URL is unset. */
export function describeOnPostgres(name: string, tests: () => void): void {
  (process.env.TEST_DATABASE_URL ? describe : describe.skip)(name, tests);
}

export async function createTestDatabase(kind: DatabaseKind, options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  if (kind === 'postgres') return createPostgresDatabase(process.env.TEST_DATABASE_URL!);
  return options.ownPglite ? createOwnPgliteDatabase() : leaseWorkerPglite();
}

// This file's lease on the worker's PGlite: a second database while one is in use would wipe the first.
let workerPgliteLeased = false;

async function leaseWorkerPglite(): Promise<TestDatabase> {
  if (workerPgliteLeased) throw new Error("the worker's PGlite is already this file's test database: drop() it before creating another");
  workerPgliteLeased = true;
  try {
    return pgliteDatabase(await freshWorkerPglite(), async () => {
      workerPgliteLeased = false;
    });
  } catch (error) {
    workerPgliteLeased = false;
    throw error;
  }
}

async function createOwnPgliteDatabase(): Promise<TestDatabase> {
  const embedded = await startEmbeddedDatabase();
  return pgliteDatabase(embedded.url, () => embedded.stop());
}

function pgliteDatabase(url: string, release: () => Promise<void>): TestDatabase {
  return {
    kind: 'pglite',
    url,
    // PGlite is one session: the server under test gets its one connection.
    poolSize: 1,
    // PGlite serves one connection at a time: callers must not hold one while the server runs a query.
    sql: (text, values) => runSql(url, text, values),
    drop: once(release),
  };
}

async function createPostgresDatabase(adminUrl: string): Promise<TestDatabase> {
  const name = `mag_test_${randomBytes(6).toString('hex')}`;
  await runSql(adminUrl, `CREATE DATABASE "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    kind: 'postgres',
    url: url.toString(),
    poolSize: 10,
    sql: (text, values) => runSql(url.toString(), text, values),
    drop: once(async () => {
      await runSql(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    }),
  };
}

function once(action: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= action());
}

async function runSql<Row>(url: string, text: string, values?: unknown[]): Promise<Row[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query(text, values);
    return result.rows as Row[];
  } finally {
    await client.end();
  }
}
