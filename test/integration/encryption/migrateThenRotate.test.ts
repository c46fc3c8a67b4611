// The lifecycle on a proxy's database holding every format the proxy ever wrote: `migrate` moves NaCl, v2:gcm and
// plaintext secrets to v3:gcm under the same key (once: a second run changes nothing), `rotate` moves everything to
// a new key; after each, the proxy's own Python libraries decrypt every value under the intended key to the same
// plaintext. Each changed model and credential gets its audit row. This API then reads the rotated values, and with
// LITELLM_SALT_KEY_PREVIOUS it also reads what a proxy restarting late still wrote under the old key.
import { hashApiKey } from '../../../src/crypto/hashApiKey';
import { maskSecrets } from '../../../src/crypto/maskSecrets';
import { TABLES } from '../../../src/database/tables';
import { decryptWithProxyLibraries, proxyLibrariesUnavailable } from '../../fixtures/proxy-vectors/proxyLibraries';
import { proxyStored } from '../../fixtures/proxy-vectors/proxyVectors';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../../support/testDatabases';
import { captureLog, startTestServer, TEST_MASTER_KEY } from '../../support/testServer';
import {
  encryptionCli,
  expectedPlaintexts,
  insertModel,
  neverPrinted,
  NEW_KEY_VARIABLE,
  NEW_SALT_KEY,
  OLD_SALT_KEY,
  PRINTED,
  SEED_MODELS,
  seedProxyDatabase,
  storedStrings,
  tablesAsStored,
  type StoredString,
} from '../../support/encryptionFixtures';

const pythonMissing = proxyLibrariesUnavailable();
const withProxyLibraries = pythonMissing ? it.skip : it;
const skipped = pythonMissing ? ` — SKIPPED: ${pythonMissing}` : '';

/** The values the seed keeps in clear under keys that bear no secret: they stay as they are. */
const IN_CLEAR = ['openai/gpt-4o', 'us-east-1', 'DEBUG'];
const ROTATE = ['rotate', '--new-key-env', NEW_KEY_VARIABLE, '--json'];
const WITH_NEW_KEY = { [NEW_KEY_VARIABLE]: NEW_SALT_KEY };

// The servers these tests start log here, at debug, so that their lines are checked for secrets too.
const serverLog = captureLog('debug');

function rewrittenCounts(run: { stdout: string }) {
  const report = JSON.parse(run.stdout);
  return Object.fromEntries(
    (report.rewritten as { table: string; column: string; rows: number; values: number }[]).map((place) => [`${place.table}.${place.column}`, { rows: place.rows, values: place.values }]),
  );
}

/** Every string is v3:gcm or a value in clear the seed put there; returns the v3:gcm ones. */
function expectOnlyV3OrClear(strings: StoredString[]): StoredString[] {
  const encrypted = strings.filter((string) => string.stored.startsWith('v3:gcm:'));
  const rest = strings.filter((string) => !string.stored.startsWith('v3:gcm:'));
  expect(rest.map((string) => string.stored).filter((stored) => !IN_CLEAR.includes(stored))).toEqual([]);
  return encrypted;
}

describe.each(testDatabaseKinds())('migrate, then rotate, on %s', (kind) => {
  let database: TestDatabase;
  let expected: (address: StoredString) => string | undefined;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    await seedProxyDatabase(database);
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('migrate --dry-run reports what it would rewrite and changes no row', async () => {
    const before = await tablesAsStored(database);
    const run = await encryptionCli(database, ['migrate', '--dry-run', '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: true, command: 'migrate', dryRun: true, auditRows: 6 });
    expect(rewrittenCounts(run)).toEqual({
      'LiteLLM_ProxyModelTable.litellm_params': { rows: 4, values: 9 },
      'LiteLLM_CredentialsTable.credential_values': { rows: 2, values: 4 },
      'LiteLLM_Config.param_value': { rows: 1, values: 3 },
      'LiteLLM_AuditLog.before_value': { rows: 2, values: 2 },
      'LiteLLM_AuditLog.updated_values': { rows: 1, values: 2 },
    });
    expect(await tablesAsStored(database)).toEqual(before);
  });

  it('migrate rewrites every NaCl, v2:gcm and plaintext secret as v3:gcm, with one audit row per changed model and credential', async () => {
    const run = await encryptionCli(database, ['migrate', '--json']);
    expect(run.code).toBe(0);
    // The audit snapshots' counts include the six audit rows this run wrote (their before_value held the old formats).
    expect(rewrittenCounts(run)).toEqual({
      'LiteLLM_ProxyModelTable.litellm_params': { rows: 4, values: 9 },
      'LiteLLM_CredentialsTable.credential_values': { rows: 2, values: 4 },
      'LiteLLM_Config.param_value': { rows: 1, values: 3 },
      'LiteLLM_AuditLog.before_value': { rows: 8, values: 15 },
      'LiteLLM_AuditLog.updated_values': { rows: 1, values: 2 },
    });
    const written = await database.sql<{ action: string; table_name: string; object_id: string; changed_by: string; changed_by_api_key: string }>(
      `SELECT action, table_name, object_id, changed_by, changed_by_api_key FROM "${TABLES.auditLog}" WHERE changed_by <> 'proxy' ORDER BY object_id`,
    );
    const admin = { action: 'updated', changed_by: 'default_user_id', changed_by_api_key: hashApiKey(TEST_MASTER_KEY) };
    expect(written).toEqual([
      { ...admin, table_name: TABLES.credentials, object_id: 'credential-1' },
      { ...admin, table_name: TABLES.credentials, object_id: 'credential-2' },
      { ...admin, table_name: TABLES.proxyModel, object_id: 'model-json-text' },
      { ...admin, table_name: TABLES.proxyModel, object_id: 'model-nacl' },
      { ...admin, table_name: TABLES.proxyModel, object_id: 'model-plaintext' },
      { ...admin, table_name: TABLES.proxyModel, object_id: 'model-v2' },
    ]);
    const models = await database.sql<{ model_id: string; updated_by: string }>(`SELECT model_id, updated_by FROM "${TABLES.proxyModel}" ORDER BY model_id`);
    expect(Object.fromEntries(models.map((model) => [model.model_id, model.updated_by]))).toEqual({
      'model-json-text': 'default_user_id',
      'model-nacl': 'default_user_id',
      'model-plaintext': 'default_user_id',
      'model-v2': 'default_user_id',
      'model-v3': 'proxy',
    });
    expected = await expectedPlaintexts(database);
  });

  it('leaves only v3:gcm values and values in clear, a model stored as JSON text now an object', async () => {
    const strings = await storedStrings(database);
    expect(expectOnlyV3OrClear(strings).length).toBeGreaterThan(40);
    const [row] = await database.sql<{ kind: string }>(`SELECT jsonb_typeof(litellm_params) AS kind FROM "${TABLES.proxyModel}" WHERE model_id = 'model-json-text'`);
    expect(row.kind).toBe('object');
  });

  withProxyLibraries(`the proxy's libraries decrypt every value under the same key to the same plaintext${skipped}`, async () => {
    const encrypted = expectOnlyV3OrClear(await storedStrings(database));
    expect(decryptWithProxyLibraries(OLD_SALT_KEY, encrypted.map((string) => string.stored))).toEqual(encrypted.map(expected));
  });

  it('a second migrate changes nothing', async () => {
    const before = await tablesAsStored(database);
    const run = await encryptionCli(database, ['migrate', '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).auditRows).toBe(0);
    expect(Object.values(rewrittenCounts(run))).toEqual(Array(5).fill({ rows: 0, values: 0 }));
    expect(await tablesAsStored(database)).toEqual(before);
  });

  it('rotate --dry-run reports what it would rewrite and changes no row', async () => {
    const before = await tablesAsStored(database);
    const run = await encryptionCli(database, ['rotate', '--new-key-env', NEW_KEY_VARIABLE, '--dry-run', '--json'], WITH_NEW_KEY);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ dryRun: true, auditRows: 7 });
    expect(JSON.parse(run.stdout).remainingSteps).toBeUndefined();
    expect(rewrittenCounts(run)['LiteLLM_ProxyModelTable.litellm_params']).toEqual({ rows: 5, values: 12 });
    expect(await tablesAsStored(database)).toEqual(before);
  });

  it('rotate re-encrypts every value under the new key, with an audit row per model and credential, and says what remains to be done', async () => {
    const run = await encryptionCli(database, ROTATE, WITH_NEW_KEY);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({ ok: true, command: 'rotate', dryRun: false, auditRows: 7 });
    expect(rewrittenCounts(run)).toMatchObject({
      'LiteLLM_ProxyModelTable.litellm_params': { rows: 5, values: 12 },
      'LiteLLM_CredentialsTable.credential_values': { rows: 2, values: 5 },
      'LiteLLM_Config.param_value': { rows: 1, values: 4 },
    });
    const steps = (report.remainingSteps as string[]).join('\n');
    expect(steps).toContain(`Set LITELLM_SALT_KEY to the new key (the value of ${NEW_KEY_VARIABLE}) on the LiteLLM proxy and on this API`);
    expect(steps).toContain('Restart both');
    expect(steps).toContain('LITELLM_SALT_KEY_PREVIOUS=<the old LITELLM_SALT_KEY>');
    const [{ count }] = await database.sql<{ count: string }>(`SELECT count(*) FROM "${TABLES.auditLog}" WHERE changed_by = 'default_user_id'`);
    expect(Number(count)).toBe(6 + 7);
    expectOnlyV3OrClear(await storedStrings(database));
  });

  withProxyLibraries(`the proxy's libraries decrypt every value under the new key to the same plaintext, and none under the old one${skipped}`, async () => {
    expected = await expectedPlaintexts(database);
    const encrypted = expectOnlyV3OrClear(await storedStrings(database));
    const values = encrypted.map((string) => string.stored);
    expect(decryptWithProxyLibraries(NEW_SALT_KEY, values)).toEqual(encrypted.map(expected));
    expect(decryptWithProxyLibraries(OLD_SALT_KEY, values).filter((plaintext) => plaintext !== null)).toEqual([]);
  });

  it('this API reads the rotated values under the new key', async () => {
    const server = await startTestServer(database, { saltKey: NEW_SALT_KEY }, serverLog);
    try {
      const response = await server.graphql('query ($id: ID!) { model(id: $id) { litellmParams } }', { id: 'model-nacl' });
      expect(response.errors).toBeUndefined();
      const seeded = SEED_MODELS.find((model) => model.id === 'model-nacl')!.params;
      const plaintexts = Object.fromEntries(Object.entries(seeded).map(([key, value]) => [key, (value as { plaintext: string }).plaintext]));
      expect(response.data!.model.litellmParams).toEqual(maskSecrets(plaintexts));
    } finally {
      await server.stop();
    }
  });

  describe('when the proxy restarts late and still writes under the old key', () => {
    const lateParams = { api_key: proxyStored(OLD_SALT_KEY, 'sk-azure-secret-0123456789', 'nacl-standard'), api_base: proxyStored(OLD_SALT_KEY, 'https://example.openai.azure.com', 'v3:gcm') };

    it('this API, given LITELLM_SALT_KEY_PREVIOUS, reads both keys and counts what still needs the old one', async () => {
      await insertModel(database, 'model-written-late', lateParams);
      const server = await startTestServer(database, { saltKey: NEW_SALT_KEY, previousSaltKey: OLD_SALT_KEY }, serverLog);
      try {
        const late = await server.graphql('query ($id: ID!) { model(id: $id) { litellmParams } }', { id: 'model-written-late' });
        expect(late.data!.model.litellmParams).toEqual(maskSecrets({ api_key: 'sk-azure-secret-0123456789', api_base: 'https://example.openai.azure.com' }));
        const rotated = await server.graphql('query ($id: ID!) { model(id: $id) { litellmParams } }', { id: 'model-v2' });
        expect(rotated.data!.model.litellmParams).toEqual(maskSecrets({ model: 'azure/gpt-4o', api_key: 'sk-azure-secret-0123456789', api_base: 'https://example.openai.azure.com' }));
        const status = await server.graphql('{ encryptionStatus { previousKeyConfigured needPreviousKey } }');
        expect(status.data!.encryptionStatus).toEqual({ previousKeyConfigured: true, needPreviousKey: 2 });
      } finally {
        await server.stop();
      }
    });

    it('migrate with both keys moves those values to the new key, and then nothing needs the old one', async () => {
      const keys = { LITELLM_SALT_KEY: NEW_SALT_KEY, LITELLM_SALT_KEY_PREVIOUS: OLD_SALT_KEY };
      const run = await encryptionCli(database, ['migrate', '--json'], keys);
      expect(run.code).toBe(0);
      expect(rewrittenCounts(run)['LiteLLM_ProxyModelTable.litellm_params']).toEqual({ rows: 1, values: 2 });
      const status = JSON.parse((await encryptionCli(database, ['status', '--json'], keys)).stdout);
      expect(status.needPreviousKey).toBe(0);
      expect(status.totals).toMatchObject({ v2Gcm: 0, nacl: 0, plaintext: 0, undecryptable: 0 });
    });
  });

  it('no output of the command line and no log line of the server holds a secret, a ciphertext or a key', () => {
    const printed = [...PRINTED, serverLog.text()].join('\n');
    expect(serverLog.lines().length).toBeGreaterThan(0);
    for (const secret of neverPrinted()) expect(printed).not.toContain(secret);
  });
});

describe.each(testDatabaseKinds())('migrate and rotate over an older proxy (no credentials or config table) on %s', (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
    await seedProxyDatabase(database, 'older');
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('rewrite the model table and the audit trail, and leave the absent tables absent', async () => {
    const migrated = await encryptionCli(database, ['migrate', '--json']);
    expect(migrated.code).toBe(0);
    expect(Object.keys(rewrittenCounts(migrated))).toEqual(['LiteLLM_ProxyModelTable.litellm_params', 'LiteLLM_AuditLog.before_value', 'LiteLLM_AuditLog.updated_values']);
    const rotated = await encryptionCli(database, ROTATE, WITH_NEW_KEY);
    expect(rotated.code).toBe(0);
    expect(rewrittenCounts(rotated)['LiteLLM_ProxyModelTable.litellm_params']).toEqual({ rows: 5, values: 12 });
    const tables = await database.sql<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_name IN ('${TABLES.credentials}', 'LiteLLM_Config')`);
    expect(tables).toEqual([]);
  });

  withProxyLibraries(`the proxy's libraries decrypt the model table under the new key${skipped}`, async () => {
    const expected = await expectedPlaintexts(database);
    const encrypted = expectOnlyV3OrClear(await storedStrings(database));
    expect(decryptWithProxyLibraries(NEW_SALT_KEY, encrypted.map((string) => string.stored))).toEqual(encrypted.map(expected));
  });
});
