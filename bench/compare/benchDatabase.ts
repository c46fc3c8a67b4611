// The benchmark's own PostgreSQL database: created fresh, migrated by our migrate command, seeded the way
// the proxy fills it (every string of litellm_params encrypted, full-row audit snapshots), dropped after.
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { AtRestCipher, DEFAULT_ENCRYPTION_ALGORITHM } from '../../src/crypto/AtRestCipher';
import { encryptLitellmParams } from '../../src/crypto/litellmParamsAtRest';
import { TABLES } from '../../src/database/tables';

export const SEED_TEAMS = 20;
export const SEED_MODELS = 1_000;
export const SEED_AUDIT_ROWS = 10_000;
/** Models with a long history, one per team, so "the 50 newest audit entries of one model" returns 50. */
export const HOT_MODEL_HISTORY = 200;
/** Seeded rows are dated a month ago, within a day, so rows the write cases add can be told apart and removed. */
const SEED_START = new Date(Date.now() - 30 * 24 * 3600 * 1000);
const SEED_END = new Date(SEED_START.getTime() + 24 * 3600 * 1000);
const SEED_ACTOR = 'default_user_id';
const INSERT_BATCH = 1_000;

export interface SeededData {
  modelIds: string[];
  /** The models with HOT_MODEL_HISTORY audit entries. */
  hotModelIds: string[];
}

export interface BenchDatabase {
  url: string;
  /** Removes every row the write cases added, so each contestant reads the same data. */
  removeWrites(): Promise<void>;
  drop(): Promise<void>;
}

export async function createBenchDatabase(adminUrl: string): Promise<BenchDatabase> {
  const name = `mag_bench_${randomBytes(4).toString('hex')}`;
  await runSql(adminUrl, `CREATE DATABASE "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async removeWrites() {
      await withClient(url.toString(), async (client) => {
        await client.query(`DELETE FROM "${TABLES.proxyModel}" WHERE created_at >= $1`, [SEED_END.toISOString()]);
        await client.query(`DELETE FROM "${TABLES.auditLog}" WHERE updated_at >= $1`, [SEED_END.toISOString()]);
        await client.query(`VACUUM ANALYZE "${TABLES.proxyModel}", "${TABLES.auditLog}"`);
      });
    },
    drop: () => runSql(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}

/** Our own migrate command, as an operator runs it. */
export async function migrate(databaseUrl: string, masterKey: string): Promise<void> {
  const script = path.resolve(__dirname, '../../src/migrate.js');
  await promisify(execFile)(process.execPath, [script], { env: { ...process.env, DATABASE_URL: databaseUrl, LITELLM_MASTER_KEY: masterKey } });
}

export async function seed(databaseUrl: string, masterKey: string): Promise<SeededData> {
  const cipher = AtRestCipher.create({ saltKey: masterKey, algorithm: DEFAULT_ENCRYPTION_ALGORITHM });
  const teams = Array.from({ length: SEED_TEAMS }, (_, index) => ({ teamId: `team-${String(index).padStart(2, '0')}`, models: [] as SeedModel[] }));
  const models: SeedModel[] = [];
  for (let index = 0; index < SEED_MODELS; index += 1) {
    const team = teams[index % SEED_TEAMS];
    const publicName = `gpt-4o-${index}`;
    const modelId = randomUUID();
    const createdAt = secondsAfterSeedStart(index);
    const model: SeedModel = {
      model_id: modelId,
      model_name: `model_name_${team.teamId}_${randomUUID()}`,
      litellm_params: encryptLitellmParams(
        { model: 'openai/gpt-4o', api_key: `sk-proj-${randomBytes(24).toString('hex')}`, api_base: 'https://api.openai.com/v1', rpm: 600 },
        cipher,
      ),
      model_info: { id: modelId, team_id: team.teamId, team_public_model_name: publicName, mode: 'chat', base_model: 'gpt-4o' },
      created_at: createdAt,
      updated_at: createdAt,
      created_by: SEED_ACTOR,
      updated_by: SEED_ACTOR,
    };
    models.push(model);
    team.models.push(model);
  }
  const hotModels = teams.map((team) => team.models[0]);
  const auditRows = auditHistory(models, new Set(hotModels));

  await withClient(databaseUrl, async (client) => {
    await client.query('BEGIN');
    for (const [index, team] of teams.entries()) {
      const aliases = Object.fromEntries(team.models.map((model) => [model.model_info.team_public_model_name, model.model_name]));
      const { rows } = await client.query<{ id: number }>(
        `INSERT INTO "${TABLES.teamModelAliases}" (aliases, created_at, updated_at, created_by, updated_by) VALUES ($1, $2, $2, $3, $3) RETURNING id`,
        [aliases, SEED_START.toISOString(), SEED_ACTOR],
      );
      await client.query(
        `INSERT INTO "${TABLES.team}" (team_id, team_alias, members_with_roles, models, created_at, updated_at, model_id) VALUES ($1, $2, $3, $4, $5, $5, $6)`,
        [team.teamId, `Team ${index}`, JSON.stringify([]), team.models.map((model) => model.model_info.team_public_model_name), SEED_START.toISOString(), rows[0].id],
      );
    }
    await insertRows(client, TABLES.proxyModel, models);
    await insertRows(client, TABLES.auditLog, auditRows);
    await client.query('COMMIT');
    await client.query(`VACUUM ANALYZE`);
  });
  return { modelIds: models.map((model) => model.model_id), hotModelIds: hotModels.map((model) => model.model_id) };
}

interface SeedModel {
  model_id: string;
  model_name: string;
  litellm_params: Record<string, unknown>;
  model_info: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
  created_by: string;
  updated_by: string;
}

/** SEED_AUDIT_ROWS entries: a "created" row per model then "updated" rows, HOT_MODEL_HISTORY for hot models. */
function auditHistory(models: SeedModel[], hotModels: Set<SeedModel>): Record<string, unknown>[] {
  const coldModels = models.length - hotModels.size;
  const coldRows = SEED_AUDIT_ROWS - hotModels.size * HOT_MODEL_HISTORY;
  const rows: Record<string, unknown>[] = [];
  let coldIndex = 0;
  for (const model of models) {
    const entries = hotModels.has(model)
      ? HOT_MODEL_HISTORY
      : Math.floor(coldRows / coldModels) + (coldIndex++ < coldRows % coldModels ? 1 : 0);
    let before: Record<string, unknown> | null = null;
    for (let entry = 0; entry < entries; entry += 1) {
      const updatedAt = new Date(model.created_at.getTime() + entry * 60_000);
      const after: Record<string, unknown> = { ...snapshot(model), updated_at: updatedAt.toISOString(), model_info: { ...model.model_info, revision: entry } };
      rows.push({
        id: randomUUID(),
        updated_at: updatedAt,
        changed_by: SEED_ACTOR,
        changed_by_api_key: randomBytes(32).toString('hex'),
        action: before ? 'updated' : 'created',
        table_name: TABLES.proxyModel,
        object_id: model.model_id,
        before_value: before,
        updated_values: after,
      });
      before = after;
    }
  }
  return rows;
}

function snapshot(model: SeedModel): Record<string, unknown> {
  return { ...model, created_at: model.created_at.toISOString(), updated_at: model.updated_at.toISOString() };
}

function secondsAfterSeedStart(seconds: number): Date {
  return new Date(SEED_START.getTime() + seconds * 1000);
}

/** Batches of rows as one JSON parameter each, expanded by json_populate_recordset. */
async function insertRows(client: Client, table: string, rows: readonly object[]): Promise<void> {
  for (let start = 0; start < rows.length; start += INSERT_BATCH) {
    const batch = rows.slice(start, start + INSERT_BATCH);
    await client.query(`INSERT INTO "${table}" SELECT * FROM json_populate_recordset(NULL::"${table}", $1)`, [JSON.stringify(batch)]);
  }
}

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function runSql(url: string, text: string): Promise<void> {
  await withClient(url, (client) => client.query(text));
}
