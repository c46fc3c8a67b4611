// The benchmark's own PostgreSQL database: created fresh, migrated by our migrate command, seeded the way a
// current proxy fills it, dropped after. buildSeed is pure (no I/O), so a unit test can read the data shape.
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { isSecretKey } from '../../src/crypto/maskSecrets';
import { TABLES } from '../../src/database/tables';
import { SEED_ENCRYPTION, type SeedEncryption } from './seedEncryption';

export const SEED_TEAMS = 20;
export const SEED_MODELS = 1_000;
export const SEED_AUDIT_ROWS = 10_000;
/** Models with a long history, one per team, so "the 50 newest audit entries of one model" returns 50. */
export const HOT_MODEL_HISTORY = 200;
/** Every this many updates of a model rotate its secrets (new plaintext, new ciphertext); the others change its rpm. */
export const SECRET_ROTATION_EVERY = 10;
/** Seeded rows are dated a month ago, within a day, so rows the write cases add can be told apart and removed. */
const SEED_START = new Date(Date.now() - 30 * 24 * 3600 * 1000);
const SEED_END = new Date(SEED_START.getTime() + 24 * 3600 * 1000);
const SEED_ACTOR = 'default_user_id';
const INSERT_BATCH = 1_000;

export const SEED_DESCRIPTION =
  `${SEED_MODELS} models over ${SEED_TEAMS} teams (all team models; OpenAI, Azure, Anthropic and Bedrock deployments in turn, ` +
  `2 to 4 strings among 5 to 8 litellm_params values, every string encrypted as v3:gcm, no secret or ciphertext shared by two models), ` +
  `${SEED_AUDIT_ROWS} audit rows with full-row snapshots (${HOT_MODEL_HISTORY} for one model of each team, the rest spread evenly; ` +
  `every ${SECRET_ROTATION_EVERY}th update rotates the model's secrets, the others change its rpm); reads rotate over the model ids`;

export interface SeededData {
  modelIds: string[];
  /** The models with HOT_MODEL_HISTORY audit entries. */
  hotModelIds: string[];
  /** litellm_params.model of the seeded models in plaintext: a server that decrypts returns one of these. */
  plaintextModels: Set<string>;
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

export interface SeedTeam {
  teamId: string;
  models: SeedModel[];
}

export interface SeedModel {
  model_id: string;
  model_name: string;
  litellm_params: Record<string, unknown>;
  model_info: Record<string, unknown>;
  /** The current proxy's column (NOT NULL, default false): json_populate_recordset would leave it null. */
  blocked: boolean;
  created_at: Date;
  updated_at: Date;
  created_by: string;
  updated_by: string;
}

export interface SeedAuditRow {
  id: string;
  updated_at: Date;
  changed_by: string;
  changed_by_api_key: string;
  action: 'created' | 'updated';
  table_name: string;
  object_id: string;
  before_value: Record<string, unknown> | null;
  updated_values: Record<string, unknown>;
}

export interface Seed {
  teams: SeedTeam[];
  plaintextModels: Set<string>;
  /** Each model as its newest audit entry left it. */
  models: SeedModel[];
  /** The models with HOT_MODEL_HISTORY audit entries, one per team. */
  hotModels: SeedModel[];
  auditRows: SeedAuditRow[];
}

/** The rows of the bench's data, every litellm_params string encrypted under the salt key. */
export function buildSeed(saltKey: string, encrypt: SeedEncryption = SEED_ENCRYPTION): Seed {
  const encryptStrings = (params: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(params).map(([name, value]) => [name, typeof value === 'string' ? encrypt(value, saltKey) : value]));
  const teams: SeedTeam[] = Array.from({ length: SEED_TEAMS }, (_, index) => ({ teamId: `team-${String(index).padStart(2, '0')}`, models: [] }));
  const historyLengths = auditHistoryLengths();
  const models: SeedModel[] = [];
  const auditRows: SeedAuditRow[] = [];
  const plaintextModels = new Set<string>();
  for (let index = 0; index < SEED_MODELS; index += 1) {
    const team = teams[index % SEED_TEAMS];
    const modelId = randomUUID();
    const createdAt = new Date(SEED_START.getTime() + index * 1000);
    const plaintext = plaintextParams(index, team.teamId);
    plaintextModels.add(String(plaintext.model));
    let model: SeedModel = {
      model_id: modelId,
      model_name: `model_name_${team.teamId}_${randomUUID()}`,
      litellm_params: encryptStrings(plaintext),
      model_info: { id: modelId, db_model: true, team_id: team.teamId, team_public_model_name: `${plaintext.model}-${index}`, mode: 'chat', access_groups: [] },
      blocked: false,
      created_at: createdAt,
      updated_at: createdAt,
      created_by: SEED_ACTOR,
      updated_by: SEED_ACTOR,
    };
    auditRows.push(auditRow(model, null));
    // Updates as the proxy and this API make them: only the incoming keys are encrypted anew, the rest keep their ciphertext.
    for (let update = 1; update < historyLengths[index]; update += 1) {
      const incoming = update % SECRET_ROTATION_EVERY === 0 ? secretsOf(plaintextParams(index, team.teamId)) : { rpm: Number(plaintext.rpm) + update };
      const before = model;
      model = { ...model, litellm_params: { ...model.litellm_params, ...encryptStrings(incoming) }, updated_at: new Date(createdAt.getTime() + update * 60_000) };
      auditRows.push(auditRow(model, before));
    }
    models.push(model);
    team.models.push(model);
  }
  return { teams, plaintextModels, models, hotModels: teams.map((team) => team.models[0]), auditRows };
}

/** litellm_params as the proxy's UI writes them for four common providers; every secret is drawn anew. */
function plaintextParams(index: number, teamId: string): Record<string, unknown> {
  const rpm = 100 * (1 + (index % 10));
  switch (index % 4) {
    case 0:
      return { model: 'openai/gpt-4o', api_key: `sk-proj-${secret(48)}`, api_base: 'https://api.openai.com/v1', rpm, tpm: rpm * 1000, input_cost_per_token: 2.5e-6, output_cost_per_token: 1e-5, use_in_pass_through: false };
    case 1:
      return { model: 'azure/gpt-4o', api_key: secret(32), api_base: `https://${teamId}-${index}.openai.azure.com/`, api_version: '2024-10-21', rpm, tpm: rpm * 1000, use_in_pass_through: false };
    case 2:
      return { model: 'anthropic/claude-sonnet-4-5', api_key: `sk-ant-api03-${secret(64)}`, rpm, tpm: rpm * 800, max_tokens: 8192 };
    default:
      return { model: 'bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0', aws_access_key_id: `AKIA${secret(16).toUpperCase()}`, aws_secret_access_key: secret(40), aws_region_name: 'us-east-1', rpm, tpm: rpm * 800 };
  }
}

/** The secret strings (api keys, AWS keys); numbers under names like max_tokens are not secrets. */
function secretsOf(params: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(params).filter(([name, value]) => typeof value === 'string' && isSecretKey(name)));
}

function secret(length: number): string {
  return randomBytes(Math.ceil(length / 2)).toString('hex').slice(0, length);
}

/** How many audit entries each model gets: HOT_MODEL_HISTORY for the first model of each team, the rest spread evenly. */
function auditHistoryLengths(): number[] {
  const coldRows = SEED_AUDIT_ROWS - SEED_TEAMS * HOT_MODEL_HISTORY;
  const coldModels = SEED_MODELS - SEED_TEAMS;
  let coldIndex = 0;
  return Array.from({ length: SEED_MODELS }, (_, index) =>
    index < SEED_TEAMS ? HOT_MODEL_HISTORY : Math.floor(coldRows / coldModels) + (coldIndex++ < coldRows % coldModels ? 1 : 0),
  );
}

function auditRow(model: SeedModel, before: SeedModel | null): SeedAuditRow {
  return {
    id: randomUUID(),
    updated_at: model.updated_at,
    changed_by: SEED_ACTOR,
    changed_by_api_key: randomBytes(32).toString('hex'),
    action: before ? 'updated' : 'created',
    table_name: TABLES.proxyModel,
    object_id: model.model_id,
    before_value: before && snapshot(before),
    updated_values: snapshot(model),
  };
}

function snapshot(model: SeedModel): Record<string, unknown> {
  return { ...model, created_at: model.created_at.toISOString(), updated_at: model.updated_at.toISOString() };
}

export async function seed(databaseUrl: string, saltKey: string): Promise<SeededData> {
  const { teams, plaintextModels, models, hotModels, auditRows } = buildSeed(saltKey);
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
  return { modelIds: models.map((model) => model.model_id), hotModelIds: hotModels.map((model) => model.model_id), plaintextModels };
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
