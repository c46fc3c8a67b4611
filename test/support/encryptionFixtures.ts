// A proxy's database as the encryption tests find it: the current proxy's tables, holding values the proxy's own
// libraries encrypted (vectors.json) in every format (v3:gcm, v2:gcm, NaCl in both base64 alphabets) in every place
// migrate and rotate cover, each with the plaintext it stands for. Also the command line as a child process, and what no output may ever contain.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TABLES } from '../../src/database/tables';
import { SALT_KEY_TABLES } from '../../src/encryption/saltKeyLocations';
import { PROXY_VECTORS, proxyStored, type VectorFormat } from '../fixtures/proxy-vectors/proxyVectors';
import { createTestDatabase, type DatabaseKind, type TestDatabase } from './testDatabases';
import { proxySchemaFixture, type ProxySchemaVersion } from './proxySchemas';
import { TEST_MASTER_KEY } from './testServer';

/** The salt key the proxy wrote the database under (vectors.json has its values). */
export const OLD_SALT_KEY = 'sk-1234';
export const NEW_SALT_KEY = 'sk-rotated-salt-key-2026-f3a9c1d7';
export const NEW_KEY_VARIABLE = 'NEW_LITELLM_SALT_KEY';

const SECRET = 'sk-azure-secret-0123456789';
const URL = 'https://example.openai.azure.com';
const UNICODE = 'ünïcødé 🔑 ключ 密钥';
const MODEL = 'azure/gpt-4o';
const VERTEX = PROXY_VECTORS.vectors.find((vector) => vector.plaintext.includes('"private_key"'))!.plaintext;
const PLAIN_MODEL_SECRET = 'sk-plain-secret-key-42';
const PLAIN_CREDENTIAL_SECRET = 'sk-credential-plain-007';

/** A value as the seed stores it: encrypted by the proxy's libraries in `format` under OLD_SALT_KEY, or in clear. */
export interface SeedValue {
  plaintext: string;
  format: VectorFormat | 'in clear';
}
type SeedDocument = Record<string, SeedValue | number | boolean>;

const encrypted = (format: VectorFormat, plaintext: string): SeedValue => ({ format, plaintext });
const inClear = (plaintext: string): SeedValue => ({ format: 'in clear', plaintext });

export const SEED_MODELS: { id: string; params: SeedDocument; storedAsJsonText?: boolean }[] = [
  { id: 'model-v3', params: { model: encrypted('v3:gcm', MODEL), api_key: encrypted('v3:gcm', SECRET), rpm: 60 } },
  { id: 'model-v2', params: { model: encrypted('v2:gcm', MODEL), api_key: encrypted('v2:gcm', SECRET), api_base: encrypted('v2:gcm', URL) } },
  {
    id: 'model-nacl',
    params: {
      api_key: encrypted('nacl-standard', SECRET),
      vertex_credentials: encrypted('nacl-standard', VERTEX),
      api_base: encrypted('nacl-urlsafe', URL),
      api_version: encrypted('nacl-urlsafe', UNICODE),
    },
  },
  { id: 'model-plaintext', params: { model: inClear('openai/gpt-4o'), api_key: inClear(PLAIN_MODEL_SECRET), temperature: 0.2 } },
  // Older proxies stored the whole column as JSON text.
  { id: 'model-json-text', storedAsJsonText: true, params: { api_key: encrypted('nacl-urlsafe', SECRET), model: encrypted('v3:gcm', '') } },
];

export const SEED_CREDENTIALS: { id: string; name: string; values: SeedDocument }[] = [
  { id: 'credential-1', name: 'azure-prod', values: { api_key: encrypted('v2:gcm', SECRET), api_base: encrypted('nacl-urlsafe', URL), api_version: encrypted('v3:gcm', UNICODE) } },
  {
    id: 'credential-2',
    name: 'bedrock',
    values: { aws_secret_access_key: inClear(PLAIN_CREDENTIAL_SECRET), aws_region_name: inClear('us-east-1'), aws_session_token: encrypted('nacl-standard', SECRET) },
  },
];

export const SEED_ENVIRONMENT_VARIABLES: SeedDocument = {
  OPENAI_API_KEY: encrypted('nacl-standard', SECRET),
  AZURE_API_KEY: encrypted('v2:gcm', SECRET),
  LANGFUSE_HOST: encrypted('v3:gcm', URL),
  LANGFUSE_PUBLIC_KEY: encrypted('nacl-urlsafe', MODEL),
  LITELLM_LOG: inClear('DEBUG'),
};

export const SEED_AUDIT_ROWS: { id: string; tableName: string; objectId: string; action: string; before: object | null; after: object | null; beforeAsJsonText?: boolean }[] = [
  {
    id: 'audit-1',
    tableName: TABLES.proxyModel,
    objectId: 'model-nacl',
    action: 'updated',
    before: { model_id: 'model-nacl', litellm_params: { api_key: encrypted('nacl-standard', SECRET), rpm: 60 } },
    after: { model_id: 'model-nacl', litellm_params: { api_key: encrypted('v3:gcm', SECRET) } },
  },
  // An older proxy's entry for a model change: the table name of the time, the snapshot as JSON text.
  {
    id: 'audit-2',
    tableName: TABLES.teamModelAliases,
    objectId: 'model-gone',
    action: 'deleted',
    before: { model_id: 'model-gone', litellm_params: { api_key: encrypted('v2:gcm', SECRET) } },
    after: null,
    beforeAsJsonText: true,
  },
  {
    id: 'audit-3',
    tableName: TABLES.credentials,
    objectId: 'credential-1',
    action: 'created',
    before: null,
    after: { credential_name: 'azure-prod', credential_values: { api_key: encrypted('v2:gcm', SECRET), api_base: encrypted('nacl-urlsafe', URL) } },
  },
  // Not a model or a credential: nothing in it is a salt-key value.
  { id: 'audit-4', tableName: TABLES.team, objectId: 'team-1', action: 'created', before: null, after: { team_id: 'team-1', metadata: { api_key_note: 'none' } } },
];

/** The plaintexts that are secrets: none may ever be printed. */
export const SEED_SECRETS = [SECRET, VERTEX, PLAIN_MODEL_SECRET, PLAIN_CREDENTIAL_SECRET, 'BEGIN PRIVATE KEY'];

export function storedForm(value: SeedValue): string {
  return value.format === 'in clear' ? value.plaintext : proxyStored(OLD_SALT_KEY, value.plaintext, value.format);
}

function storedDocument(document: SeedDocument | object | null): unknown {
  if (document === null) return null;
  return Object.fromEntries(
    Object.entries(document).map(([key, value]) => [key, isSeedValue(value) ? storedForm(value) : typeof value === 'object' && value !== null ? storedDocument(value) : value]),
  );
}

function isSeedValue(value: unknown): value is SeedValue {
  return typeof value === 'object' && value !== null && 'plaintext' in value && 'format' in value;
}

/** Every stored ciphertext of the seed (never to be printed either). */
export function seedCiphertexts(): string[] {
  const values: SeedValue[] = [
    ...SEED_MODELS.flatMap((model) => Object.values(model.params)),
    ...SEED_CREDENTIALS.flatMap((credential) => Object.values(credential.values)),
    ...Object.values(SEED_ENVIRONMENT_VARIABLES),
  ].filter(isSeedValue);
  return values.filter((value) => value.format !== 'in clear').map(storedForm);
}

/** The proxy's schema of `version` with the seed in it (the places a schema lacks are left out). */
export async function seedProxyDatabase(database: TestDatabase, version: ProxySchemaVersion = 'current'): Promise<void> {
  await database.sql(proxySchemaFixture(version));
  for (const { id, params, storedAsJsonText } of SEED_MODELS) await insertModel(database, id, storedDocument(params), storedAsJsonText);
  if (version === 'older') return;
  for (const { id, name, values } of SEED_CREDENTIALS) {
    await database.sql(
      `INSERT INTO "${TABLES.credentials}" (credential_id, credential_name, credential_values, credential_info, created_by, updated_by)
       VALUES ($1, $2, $3::jsonb, '{"custom_llm_provider": "azure"}', 'proxy', 'proxy')`,
      [id, name, JSON.stringify(storedDocument(values))],
    );
  }
  await database.sql(`INSERT INTO "${SALT_KEY_TABLES.config}" (param_name, param_value) VALUES ('environment_variables', $1::jsonb), ('general_settings', '{"store_model_in_db": true}')`, [
    JSON.stringify(storedDocument(SEED_ENVIRONMENT_VARIABLES)),
  ]);
  for (const row of SEED_AUDIT_ROWS) {
    const before = row.before && JSON.stringify(storedDocument(row.before));
    await database.sql(
      `INSERT INTO "${TABLES.auditLog}" (id, changed_by, action, table_name, object_id, before_value, updated_values)
       VALUES ($1, 'proxy', $2, $3, $4, ${row.beforeAsJsonText ? 'to_jsonb($5::text)' : '$5::jsonb'}, $6::jsonb)`,
      [row.id, row.action, row.tableName, row.objectId, before, row.after && JSON.stringify(storedDocument(row.after))],
    );
  }
}

export async function insertModel(database: TestDatabase, id: string, litellmParams: unknown, asJsonText = false): Promise<void> {
  await database.sql(
    `INSERT INTO "${TABLES.proxyModel}" (model_id, model_name, litellm_params, model_info, created_by, updated_by)
     VALUES ($1, $2, ${asJsonText ? 'to_jsonb($3::text)' : '$3::jsonb'}, $4::jsonb, 'proxy', 'proxy')`,
    [id, `name-of-${id}`, JSON.stringify(litellmParams), JSON.stringify({ id })],
  );
}

/** Every row of the tables the commands read or write, as PostgreSQL prints it: equal text means unchanged rows. */
export async function tablesAsStored(database: TestDatabase): Promise<Record<string, string[]>> {
  const present = await database.sql<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name LIKE 'LiteLLM%' ORDER BY table_name`,
  );
  const tables: Record<string, string[]> = {};
  for (const { table_name: name } of present) {
    tables[name] = (await database.sql<{ row: string }>(`SELECT t::text AS row FROM "${name}" t ORDER BY 1`)).map((row) => row.row);
  }
  return tables;
}

/** One string of a covered place as stored now, with where it is. */
export interface StoredString {
  table: string;
  rowId: string;
  /** The column and the key inside it, e.g. litellm_params.api_key, before_value.litellm_params.api_key. */
  key: string;
  stored: string;
}

/** Every top-level string of the covered places, read with plain SQL and JSON.parse (not the code under test). */
export async function storedStrings(database: TestDatabase): Promise<StoredString[]> {
  const strings: StoredString[] = [];
  const add = (table: string, rowId: string, prefix: string, document: unknown) => {
    const object = typeof document === 'string' ? JSON.parse(document) : document;
    for (const [key, value] of Object.entries((object ?? {}) as Record<string, unknown>)) {
      if (typeof value === 'string') strings.push({ table, rowId, key: `${prefix}.${key}`, stored: value });
    }
  };
  for (const row of await database.sql<{ model_id: string; litellm_params: unknown }>(`SELECT model_id, litellm_params FROM "${TABLES.proxyModel}"`)) {
    add(TABLES.proxyModel, row.model_id, 'litellm_params', row.litellm_params);
  }
  const tables = new Set((await database.sql<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()`)).map((row) => row.table_name));
  if (tables.has(TABLES.credentials)) {
    for (const row of await database.sql<{ credential_id: string; credential_values: unknown }>(`SELECT credential_id, credential_values FROM "${TABLES.credentials}"`)) {
      add(TABLES.credentials, row.credential_id, 'credential_values', row.credential_values);
    }
  }
  if (tables.has(SALT_KEY_TABLES.config)) {
    for (const row of await database.sql<{ param_value: unknown }>(`SELECT param_value FROM "${SALT_KEY_TABLES.config}" WHERE param_name = 'environment_variables'`)) {
      add(SALT_KEY_TABLES.config, 'environment_variables', 'param_value', row.param_value);
    }
  }
  for (const row of await database.sql<{ id: string; before_value: unknown; updated_values: unknown }>(
    `SELECT id, before_value, updated_values FROM "${TABLES.auditLog}" WHERE table_name IN ('${TABLES.proxyModel}', '${TABLES.teamModelAliases}', '${TABLES.credentials}')`,
  )) {
    for (const column of ['before_value', 'updated_values'] as const) {
      const snapshot = typeof row[column] === 'string' ? JSON.parse(row[column] as string) : row[column];
      if (!snapshot) continue;
      for (const part of ['litellm_params', 'credential_values']) {
        if (part in snapshot) add(TABLES.auditLog, row.id, `${column}.${part}`, snapshot[part]);
      }
    }
  }
  return strings;
}

/**
 * The plaintext a stored string stands for, from the seed: a place's own value, or for an audit row the value of the
 * model or credential it records (the rows a run writes hold those). Undefined for a string the seed never had.
 */
export async function expectedPlaintexts(database: TestDatabase): Promise<(address: StoredString) => string | undefined> {
  const objectIds = new Map(
    (await database.sql<{ id: string; object_id: string }>(`SELECT id, object_id FROM "${TABLES.auditLog}"`)).map((row) => [row.id, row.object_id]),
  );
  const plaintext = (value: unknown) => (isSeedValue(value) ? value.plaintext : undefined);
  const ofRow = (rowId: string, key: string): string | undefined => {
    const model = SEED_MODELS.find((candidate) => candidate.id === rowId);
    if (model) return plaintext(model.params[key]);
    const credential = SEED_CREDENTIALS.find((candidate) => candidate.id === rowId);
    return credential ? plaintext(credential.values[key]) : undefined;
  };
  return (address) => {
    const [, ...rest] = address.key.split('.');
    if (address.table === TABLES.auditLog) {
      const seeded = SEED_AUDIT_ROWS.find((row) => row.id === address.rowId);
      const [column, part, key] = address.key.split('.');
      if (seeded) {
        const snapshot = (column === 'before_value' ? seeded.before : seeded.after) as Record<string, Record<string, unknown>> | null;
        return plaintext(snapshot?.[part]?.[key]);
      }
      return ofRow(objectIds.get(address.rowId) ?? '', key);
    }
    if (address.table === SALT_KEY_TABLES.config) return plaintext(SEED_ENVIRONMENT_VARIABLES[rest.join('.')]);
    return ofRow(address.rowId, rest.join('.'));
  };
}

export interface CommandRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export const ENCRYPTION_CLI = path.join(__dirname, '..', '..', 'dist', 'src', 'encryption.js');

/** The environment of a command-line run over `database`: the proxy's keys, nothing inherited but PATH. */
export function commandEnvironment(database: TestDatabase, env: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const base: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    DATABASE_URL: database.url,
    LITELLM_MASTER_KEY: TEST_MASTER_KEY,
    LITELLM_SALT_KEY: OLD_SALT_KEY,
    ...env,
  };
  return Object.fromEntries(Object.entries(base).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/** Starts `node dist/src/encryption.js` (npm test builds it first); `onStderr` sees every chunk of stderr as it comes. */
export function startEncryptionCli(
  database: TestDatabase,
  args: readonly string[],
  env: Record<string, string | undefined> = {},
  onStderr?: (chunk: string, child: ChildProcess) => void,
): Promise<CommandRun> {
  if (!existsSync(ENCRYPTION_CLI)) throw new Error(`${ENCRYPTION_CLI} is missing: run npm run build first`);
  // Its own working directory: no ./config.yaml or ./.data of the repository is picked up.
  const cwd = mkdtempSync(path.join(os.tmpdir(), 'mag-encryption-'));
  // Asynchronous on purpose: the embedded test database is served by this very process.
  const child = spawn(process.execPath, [ENCRYPTION_CLI, ...args], { cwd, env: commandEnvironment(database, env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    onStderr?.(chunk, child);
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** A run that must succeed; its output is kept for the check that no output ever holds a secret. */
export async function encryptionCli(database: TestDatabase, args: readonly string[], env: Record<string, string | undefined> = {}): Promise<CommandRun> {
  const run = await startEncryptionCli(database, args, env);
  PRINTED.push(run.stdout, run.stderr);
  return run;
}

/** Everything the command line printed in this test file. */
export const PRINTED: string[] = [];

/** What no output may contain: a secret, a ciphertext the seed stored, a salt key or the master key. */
export function neverPrinted(): string[] {
  return [...SEED_SECRETS, ...seedCiphertexts(), OLD_SALT_KEY, NEW_SALT_KEY, TEST_MASTER_KEY];
}

/** A seeded proxy database of `version` for the tests of one describe block: created before them, dropped after. */
export function useSeededProxyDatabase(kind: DatabaseKind, version: ProxySchemaVersion = 'current'): () => TestDatabase {
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
    await seedProxyDatabase(database, version);
  });
  afterAll(async () => {
    await database?.drop();
  });
  return () => {
    if (!database) throw new Error('the seeded proxy database is used before beforeAll created it');
    return database;
  };
}
