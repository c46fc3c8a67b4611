// Each integration test file runs against a fresh embedded PGlite and, when TEST_DATABASE_URL is set,
// a fresh PostgreSQL database created for it and dropped after.
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { startEmbeddedDatabase } from '../../src/database/embedded/EmbeddedDatabase';

export type DatabaseKind = 'pglite' | 'postgres';

export interface TestDatabase {
  kind: DatabaseKind;
  url: string;
  poolSize: number;
  /** Runs raw SQL through its own short-lived connection (outside the server). */
  sql<Row = Record<string, unknown>>(text: string, values?: unknown[]): Promise<Row[]>;
  drop(): Promise<void>;
}

export function testDatabaseKinds(): DatabaseKind[] {
  return process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

export async function createTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  return kind === 'pglite' ? createPgliteDatabase() : createPostgresDatabase(process.env.TEST_DATABASE_URL!);
}

async function createPgliteDatabase(): Promise<TestDatabase> {
  const embedded = await startEmbeddedDatabase();
  return {
    kind: 'pglite',
    url: embedded.url,
    poolSize: 1,
    // PGlite serves one connection at a time: callers must not hold one while the server runs a query.
    sql: (text, values) => runSql(embedded.url, text, values),
    drop: () => embedded.stop(),
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
    drop: async () => {
      await runSql(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
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
