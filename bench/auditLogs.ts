// `npm run bench:audit`: do audit-trail reads stay fast as the log grows? Seeds 1,000 audit rows, times
// `auditLogs(filter: {objectId}, first: 50)` and paging to the 20th page, grows the log to 100,000 rows
// and times the same again; prints both and their ratio (the goal: within 2x), on PGlite and PostgreSQL.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startApp, type RunningApp } from '../src/app/startApp';
import { loadSettings, redactDatabaseUrl } from '../src/config/settings';
import { hashApiKey } from '../src/crypto/hashApiKey';
import { AtRestCipher, DEFAULT_ENCRYPTION_ALGORITHM } from '../src/crypto/AtRestCipher';
import { TABLES } from '../src/database/tables';
import { createLogger } from '../src/server/logger';
import { createBenchDatabase } from './compare/benchDatabase';
import { log } from './benchSupport';

const MASTER_KEY = 'sk-bench-audit-master-key-0123456789';
export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** The two sizes compared. */
export const SMALL_LOG_ROWS = 1_000;
export const LARGE_LOG_ROWS = 100_000;
/** Entries of the one model whose history is read (all in the small log; the large log adds none). */
export const HOT_MODEL_ENTRIES = 200;
/** Models the other entries spread over, and teams those models belong to. */
export const MODELS = 5_000;
export const TEAMS = 20;
export const PAGE_SIZE = 50;
export const PAGES = 20;
/** Timed repetitions of each measurement, after WARMUP_RUNS untimed ones. */
export const RUNS = 21;
export const WARMUP_RUNS = 10;
/** The changes are spread over a year, in no particular order relative to their ids. */
const SPREAD_START = '2025-01-01 00:00:00';
const SPREAD_SECONDS = 365 * 24 * 3600;

const HOT_MODEL_ID = 'bench-hot-model';
const ENTRY_FIELDS = 'cursor node { id action tableName objectId changedBy updatedAt beforeValue updatedValues }';

type DatabaseKind = 'pglite' | 'postgres';

/** Milliseconds over RUNS runs: the median, and the fastest (the least disturbed by other load on the machine). */
interface Timing {
  median: number;
  min: number;
}

interface Measurement {
  name: string;
  small: Timing;
  large: Timing;
}

async function main(): Promise<void> {
  const kinds = (process.env.BENCH_DATABASES ?? 'pglite,postgres').split(',').map((kind) => kind.trim()) as DatabaseKind[];
  const adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? DEFAULT_DATABASE_URL;
  for (const kind of kinds) {
    if (kind !== 'pglite' && kind !== 'postgres') throw new Error(`BENCH_DATABASES: unknown database ${kind}`);
    log(`\n== ${kind}${kind === 'postgres' ? ` (${redactDatabaseUrl(adminUrl)})` : ''}`);
    const measurements = await benchOn(kind, adminUrl);
    log(resultsTable(measurements));
  }
}

async function benchOn(kind: DatabaseKind, adminUrl: string): Promise<Measurement[]> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mag-bench-audit-'));
  const database = kind === 'postgres' ? await createBenchDatabase(adminUrl) : undefined;
  const settings = { ...loadSettings({}), databaseUrl: database?.url, dataDir, port: 0, masterKey: MASTER_KEY, configFile: undefined };
  const app = await startApp(settings, createLogger('silent'));
  try {
    const bench = new AuditBench(app, kind);
    const teamAdminKey = await bench.teamAdminKey('bench-team-00');

    log(`seeding ${SMALL_LOG_ROWS} audit rows`);
    await bench.seed(1, SMALL_LOG_ROWS);
    const small = await bench.measureAll(teamAdminKey);

    log(`seeding up to ${LARGE_LOG_ROWS} audit rows`);
    const seedStart = performance.now();
    await bench.seed(SMALL_LOG_ROWS + 1, LARGE_LOG_ROWS);
    log(`  (${Math.round(performance.now() - seedStart)} ms)`);
    const large = await bench.measureAll(teamAdminKey);
    if (process.env.BENCH_EXPLAIN === '1') await bench.explain();

    return small.map(({ name, timing }, index) => ({ name, small: timing, large: large[index].timing }));
  } finally {
    await app.stop();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

class AuditBench {
  private readonly encryptedApiKey = AtRestCipher.create({ saltKey: MASTER_KEY, algorithm: DEFAULT_ENCRYPTION_ALGORITHM }).encrypt('sk-proj-bench-0123456789abcdefghijkl');

  constructor(
    private readonly app: RunningApp,
    private readonly kind: DatabaseKind,
  ) {}

  /** Through the server's own pool: the embedded database serves one connection. */
  sql<Row = Record<string, unknown>>(text: string, values: unknown[] = []): Promise<Row[]> {
    return this.app.orm.em.fork().getConnection().execute<Row[]>(text, values);
  }

  async graphql(query: string, variables: Record<string, unknown> = {}, key = MASTER_KEY): Promise<Record<string, any>> {
    const response = await fetch(`${this.app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: Record<string, any>; errors?: unknown[] };
    if (body.errors) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
    return body.data!;
  }

  /** A team admin's key, for the audit reads that filter by team. */
  async teamAdminKey(teamId: string): Promise<string> {
    const userId = 'bench-team-admin';
    await this.graphql('mutation ($input: CreateUserInput!) { createUser(input: $input) { id } }', { input: { userId } });
    await this.graphql('mutation ($input: CreateTeamInput!) { createTeam(input: $input) { id } }', { input: { teamId, members: [{ userId, role: 'ADMIN' }] } });
    const data = await this.graphql('mutation ($input: GenerateKeyInput!) { generateKey(input: $input) { key } }', { input: { userId, teamId } });
    return data.generateKey.key as string;
  }

  /**
   * Rows `from`..`to` of the bench's log in one INSERT ... SELECT: the first HOT_MODEL_ENTRIES belong to
   * one model, the rest spread over MODELS models of TEAMS teams; times scattered over a year; full
   * model snapshots with an encrypted api_key, as the subscriber writes them.
   */
  async seed(from: number, to: number): Promise<void> {
    const modelId = `CASE WHEN g <= ${HOT_MODEL_ENTRIES} THEN '${HOT_MODEL_ID}' ELSE md5('bench-model-' || ((g::bigint * 2654435761) % ${MODELS}))::uuid::text END`;
    const teamId = `'bench-team-' || CASE WHEN g <= ${HOT_MODEL_ENTRIES} THEN '00' ELSE lpad((((g::bigint * 2654435761) % ${MODELS}) % ${TEAMS})::text, 2, '0') END`;
    const snapshot = (revision: string) => `jsonb_build_object(
        'model_id', m.model_id, 'model_name', 'model_name_' || m.team_id || '_' || m.model_id,
        'litellm_params', jsonb_build_object('model', 'openai/gpt-4o', 'api_key', ?::text, 'api_base', 'https://api.openai.com/v1', 'rpm', 600),
        'model_info', jsonb_build_object('id', m.model_id, 'team_id', m.team_id, 'team_public_model_name', 'gpt-4o', 'revision', ${revision}),
        'created_by', 'default_user_id', 'updated_by', 'default_user_id')`;
    await this.sql(
      `INSERT INTO "${TABLES.auditLog}" (id, updated_at, changed_by, changed_by_api_key, action, table_name, object_id, before_value, updated_values)
       SELECT md5('bench-entry-' || g)::uuid::text, m.updated_at, 'default_user_id', ?, m.action, ?, m.model_id,
              CASE WHEN m.action = 'created' THEN NULL ELSE ${snapshot('g - 1')} END,
              CASE WHEN m.action = 'deleted' THEN NULL ELSE ${snapshot('g')} END
       FROM generate_series(?::int, ?::int) g
       CROSS JOIN LATERAL (SELECT ${modelId} AS model_id, ${teamId} AS team_id,
         timestamp '${SPREAD_START}' + ((g::bigint * 7919) % ${SPREAD_SECONDS}) * interval '1 second' + (g % 1000) * interval '1 millisecond' AS updated_at,
         CASE WHEN g % 25 = 0 THEN 'created' WHEN g % 25 = 1 THEN 'deleted' ELSE 'updated' END AS action) m`,
      [hashApiKey(MASTER_KEY), TABLES.proxyModel, this.encryptedApiKey, this.encryptedApiKey, from, to],
    );
    // What autovacuum does soon after such a burst on PostgreSQL. The embedded database runs no autovacuum,
    // so there the planner keeps working without statistics, as it would in use.
    if (this.kind === 'postgres') await this.sql(`ANALYZE "${TABLES.auditLog}"`);
  }

  async measureAll(teamAdminKey: string): Promise<{ name: string; timing: Timing }[]> {
    const byObject = `query ($id: ID!) { auditLogs(filter: { objectId: $id }, first: ${PAGE_SIZE}) { totalCount edges { ${ENTRY_FIELDS} } } }`;
    const page = (withCount: boolean) =>
      `query ($after: String) { auditLogs(first: ${PAGE_SIZE}, after: $after) { ${withCount ? 'totalCount ' : ''}pageInfo { hasNextPage endCursor } edges { ${ENTRY_FIELDS} } } }`;
    const reads: [string, () => Promise<unknown>][] = [
      [`auditLogs(filter: {objectId}, first: ${PAGE_SIZE}) with totalCount`, () => this.graphql(byObject, { id: HOT_MODEL_ID })],
      [`${PAGES} pages of ${PAGE_SIZE}, unfiltered, with totalCount`, () => this.pageThrough(page(true))],
      [`${PAGES} pages of ${PAGE_SIZE}, unfiltered, no totalCount`, () => this.pageThrough(page(false))],
      [`team admin: auditLogs(first: ${PAGE_SIZE}) with totalCount`, () => this.graphql(`query { auditLogs(first: ${PAGE_SIZE}) { totalCount edges { ${ENTRY_FIELDS} } } }`, {}, teamAdminKey)],
      [`team admin: auditLogs(first: ${PAGE_SIZE}), no totalCount`, () => this.graphql(`query { auditLogs(first: ${PAGE_SIZE}) { edges { ${ENTRY_FIELDS} } } }`, {}, teamAdminKey)],
      ['count(*) of the whole log, in SQL', () => this.sql(`SELECT count(*) FROM "${TABLES.auditLog}"`)],
    ];
    const results = [];
    for (const [name, read] of reads) {
      const timing = await time(read);
      log(`  ${name}: median ${timing.median.toFixed(1)} ms, min ${timing.min.toFixed(1)} ms`);
      results.push({ name, timing });
    }
    return results;
  }

  /** PAGES sequential requests, each following the previous page's endCursor. */
  private async pageThrough(query: string): Promise<void> {
    let after: string | null = null;
    for (let page = 0; page < PAGES; page++) {
      const data = await this.graphql(query, { after });
      const { edges, pageInfo } = data.auditLogs as { edges: unknown[]; pageInfo: { endCursor: string | null; hasNextPage: boolean } };
      if (edges.length !== PAGE_SIZE) throw new Error(`page ${page + 1} held ${edges.length} entries, not ${PAGE_SIZE}`);
      after = pageInfo.endCursor;
    }
  }

  /** The plans of the statements behind the measured reads, at the current size. */
  async explain(): Promise<void> {
    const [newest] = await this.sql<{ updated_at: string; id: string }>(
      `SELECT updated_at::text AS updated_at, id FROM "${TABLES.auditLog}" ORDER BY updated_at DESC, id DESC OFFSET ${PAGE_SIZE * (PAGES - 1)} LIMIT 1`,
    );
    const statements: [string, string, unknown[]][] = [
      ['objectId page', `SELECT * FROM "${TABLES.auditLog}" WHERE object_id = ? ORDER BY updated_at DESC, id DESC LIMIT ?`, [HOT_MODEL_ID, PAGE_SIZE + 1]],
      ['objectId count', `SELECT count(*) FROM "${TABLES.auditLog}" WHERE object_id = ?`, [HOT_MODEL_ID]],
      ['page 20', `SELECT * FROM "${TABLES.auditLog}" WHERE (updated_at, id) < (?::timestamp, ?) ORDER BY updated_at DESC, id DESC LIMIT ?`, [newest.updated_at, newest.id, PAGE_SIZE + 1]],
      ['unfiltered count', `SELECT count(*) FROM "${TABLES.auditLog}"`, []],
    ];
    for (const [name, text, values] of statements) {
      const plan = await this.sql<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, COSTS OFF) ${text}`, values);
      log(`\n-- ${name}\n${plan.map((row) => `   ${row['QUERY PLAN']}`).join('\n')}`);
    }
  }
}

async function time(run: () => Promise<unknown>): Promise<Timing> {
  for (let i = 0; i < WARMUP_RUNS; i++) await run();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)], min: times[0] };
}

function resultsTable(measurements: Measurement[]): string {
  const [small, large] = [SMALL_LOG_ROWS, LARGE_LOG_ROWS].map((rows) => rows.toLocaleString('en'));
  const header = `| read (median / min of ${RUNS}) | ${small} rows | ${large} rows | ratio of medians | ratio of mins |`;
  const ms = ({ median, min }: Timing) => `${median.toFixed(1)} / ${min.toFixed(1)} ms`;
  const rows = measurements.map(
    (m) => `| ${m.name} | ${ms(m.small)} | ${ms(m.large)} | ${(m.large.median / m.small.median).toFixed(2)}x | ${(m.large.min / m.small.min).toFixed(2)}x |`,
  );
  return [header, '|---|---:|---:|---:|---:|', ...rows].join('\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:audit failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
