// A migration that fails on what the database already holds (here a check constraint someone put on a table of
// ours, refusing the row the migration writes) ends `npm run migrate` and `npm start` with one line naming the
// problem: the database's message and code, never the statement nor the row's values PostgreSQL lists in its detail.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { startEmbeddedDatabase } from '../../../src/database/embedded/EmbeddedDatabase';
import { OWN_TABLES, TABLES } from '../../../src/database/tables';
import { testDatabaseKinds } from '../../support/testDatabases';

const DIST = path.join(__dirname, '../../../dist/src');
/** The default of a column in the refused row: PostgreSQL's detail lists it ("Failing row contains (…)"). */
const ROW_VALUE = 'sk-row-value-424242';
const EXIT_TIMEOUT_MS = 60_000;

const workDir = mkdtempSync(path.join(os.tmpdir(), 'mag-failed-migration-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

const SETUP_SQL = [
  `CREATE TABLE "${OWN_TABLES.ownedProxyTables}" (
     table_name text PRIMARY KEY CHECK (table_name <> '${TABLES.proxyModel}'),
     created_at timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
     note text NOT NULL DEFAULT '${ROW_VALUE}')`,
];

async function runSetup(url: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    for (const statement of SETUP_SQL) await client.query(statement);
  } finally {
    await client.end();
  }
}

/** A database (its environment for the child) whose table of ours refuses the row the first migration writes. */
async function databaseWithRefusingTable(kind: string): Promise<{ env: Record<string, string>; remove(): Promise<void> }> {
  if (kind === 'pglite') {
    const dataDir = mkdtempSync(path.join(workDir, 'data-'));
    const embedded = await startEmbeddedDatabase(dataDir);
    try {
      await runSetup(embedded.url);
    } finally {
      await embedded.stop();
    }
    return { env: { DATA_DIR: dataDir }, remove: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const adminUrl = process.env.TEST_DATABASE_URL!;
  const name = `mag_test_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = Object.assign(new URL(adminUrl), { pathname: `/${name}` }).toString();
  await runSetup(url);
  return {
    env: { DATABASE_URL: url },
    remove: async () => {
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    },
  };
}

function run(script: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, PORT: '0', LITELLM_MASTER_KEY: 'sk-test-master-key', ...env };
  // As a user runs it: no jest flags, no test environment, only this case's database.
  for (const name of ['NODE_OPTIONS', 'NODE_ENV', 'CONFIG_FILE', ...(env.DATABASE_URL ? ['DATA_DIR'] : ['DATABASE_URL'])]) delete childEnv[name];
  const child = spawn(process.execPath, [path.join(DIST, script)], { cwd: workDir, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => (output.stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} did not exit within ${EXIT_TIMEOUT_MS} ms`));
    }, EXIT_TIMEOUT_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, ...output });
    });
  });
}

describe.each(testDatabaseKinds())('a migration failing on existing data, on %s', (kind) => {
  let database: Awaited<ReturnType<typeof databaseWithRefusingTable>>;

  beforeAll(async () => {
    database = await databaseWithRefusingTable(kind);
  });
  afterAll(async () => {
    await database?.remove();
  });

  it.each([
    ['npm run migrate', 'migrate.js', /^model-admin-graphql migrate: /],
    ['npm start', 'main.js', /^model-admin-graphql: failed to start: /],
  ])('%s prints one line with the database message and code, no statement and no values', async (_command, script, prefix) => {
    const result = await run(script, database.env);
    expect(result.code).toBe(1);
    const lines = result.stderr.split('\n').filter((line) => line.trim() !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(prefix);
    expect(lines[0]).toContain(`violates check constraint "${OWN_TABLES.ownedProxyTables}_table_name_check"`);
    expect(lines[0]).toContain('23514');
    expect(lines[0]).not.toContain(ROW_VALUE);
    expect(lines[0]).not.toMatch(/INSERT INTO|VALUES|Failing row|detail:/);
    expect(result.stdout).not.toContain(ROW_VALUE);
  });
});
