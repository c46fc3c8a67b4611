// litellm_params at rest, byte-compatible with the proxy beside this API: every string value is written in the
// proxy's configured algorithm (v3:gcm by default, NaCl on opt-in) under LITELLM_SALT_KEY or the master key, and
// every format the proxy ever wrote reads back, decrypted and masked. Stored values come from vectors.json, made by
// the proxy's own libraries; what the server writes is checked with the cipher those vectors verify.
import { randomUUID } from 'node:crypto';
import { loadSettings, type Settings } from '../../../src/config/settings';
import { AtRestCipher, type AtRestFormat } from '../../../src/crypto/AtRestCipher';
import { maskSecrets } from '../../../src/crypto/maskSecrets';
import { TABLES } from '../../../src/database/tables';
import { insertLegacyAuditRow } from '../../support/auditTrail';
import { addModel } from '../../support/fixtures';
import { testDatabaseKinds } from '../../support/testDatabases';
import { serverForEachFile, TEST_MASTER_KEY, type TestServer } from '../../support/testServer';
import { PROXY_VECTORS, proxyStored, VECTOR_FORMATS, type VectorFormat } from '../../fixtures/proxy-vectors/proxyVectors';
import { MODEL, MODELS, PATCH_MODEL, storedModel, UPDATE_MODEL, writeConfigFile } from '../../support/modelApi';

const SALT_KEY = 'sk-test-salt-key-for-at-rest-encryption';
const V3_GCM = /^v3:gcm:[A-Za-z0-9_-]+={0,2}$/;
const NACL_STANDARD_BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

const WRITTEN_PARAMS = {
  model: 'azure/gpt-4o',
  api_key: 'sk-azure-secret-0123456789',
  api_base: 'https://example.openai.azure.com',
  api_version: '2024-06-01',
  rpm: 60,
  temperature: 0.25,
  stream: true,
  tags: ['prod', 'eu'],
  extra_headers: { 'x-team': 'blue' },
};

/** The plaintext of params the proxy wrote, as in vectors.json (the vertex key is its long JSON plaintext). */
const VERTEX_CREDENTIALS = PROXY_VECTORS.vectors.find((vector) => vector.plaintext.includes('"private_key"'))!.plaintext;
const PROXY_PARAMS = { model: 'azure/gpt-4o', api_key: 'sk-azure-secret-0123456789', api_base: 'https://example.openai.azure.com', vertex_credentials: VERTEX_CREDENTIALS };

/** PROXY_PARAMS as the proxy stores them in `format` under saltKey, numbers as they are. */
function proxyStoredParams(format: VectorFormat, saltKey = TEST_MASTER_KEY): Record<string, unknown> {
  return { ...Object.fromEntries(Object.entries(PROXY_PARAMS).map(([name, value]) => [name, proxyStored(saltKey, value, format)])), rpm: 60 };
}

const CIPHER_SHAPES: Record<'v3:gcm' | 'nacl', RegExp> = { 'v3:gcm': V3_GCM, nacl: NACL_STANDARD_BASE64 };

/** Asserts each string value was written as `format` under saltKey and opens to what was written; the rest is stored as it is. */
function expectWrittenAs(format: 'v3:gcm' | 'nacl', saltKey: string, stored: Record<string, unknown>, written: Record<string, unknown>) {
  const reader = AtRestCipher.create({ saltKey, algorithm: 'aes-256-gcm' });
  expect(Object.keys(stored).sort()).toEqual(Object.keys(written).sort());
  for (const [name, value] of Object.entries(written)) {
    if (typeof value !== 'string') {
      expect(stored[name]).toEqual(value);
      continue;
    }
    expect(stored[name]).toMatch(CIPHER_SHAPES[format]);
    expect(reader.decrypt(stored[name] as string)).toEqual({ plaintext: value, format: format as AtRestFormat, key: 'current' });
  }
}

async function insertRawModel(server: TestServer, id: string, litellmParams: string, modelInfo = JSON.stringify({ id })) {
  await server.sql(
    `insert into "${TABLES.proxyModel}" (model_id, model_name, litellm_params, model_info, created_by, updated_by)
     values (?, ?, ?::jsonb, ?::jsonb, 'proxy', 'proxy')`,
    [id, `proxy-written-${id}`, litellmParams, modelInfo],
  );
}

/** An audit row as a current proxy writes it: the snapshots as JSON objects. */
async function insertAuditRow(server: TestServer, objectId: string, beforeValue: object, updatedValues: object) {
  await server.sql(
    `insert into "${TABLES.auditLog}" (id, changed_by, action, table_name, object_id, before_value, updated_values)
     values (?, 'proxy', 'updated', ?, ?, ?::jsonb, ?::jsonb)`,
    [randomUUID(), TABLES.proxyModel, objectId, JSON.stringify(beforeValue), JSON.stringify(updatedValues)],
  );
}

const AUDIT_SNAPSHOTS = `query ($id: ID!) { auditLogs(filter: { objectId: $id }) { edges { node { beforeValue updatedValues } } } }`;

/** A server whose write algorithm comes from a proxy config file's general_settings. */
const withConfigFileAlgorithm = (algorithm: string) => (): Partial<Settings> => ({
  configFile: writeConfigFile(`general_settings:\n  encryption_algorithm: ${algorithm}\nmodel_list: []\n`),
});
/** A server whose write algorithm comes from LITELLM_ENCRYPTION_ALGORITHM, read as the server reads its environment. */
const withEnvAlgorithm = (algorithm: string) => (): Partial<Settings> => ({
  encryptionAlgorithm: loadSettings({ LITELLM_ENCRYPTION_ALGORITHM: algorithm }).encryptionAlgorithm,
});

describe.each(testDatabaseKinds())('secrets at rest on %s', (kind) => {
  describe('with no algorithm set and no salt key (the current proxy default)', () => {
    const handle = serverForEachFile(kind);

    it('addModel stores every string value of litellm_params as padded v3:gcm under the master key; other values as they are', async () => {
      const model = await addModel(handle.server, { litellmParams: WRITTEN_PARAMS });
      expectWrittenAs('v3:gcm', TEST_MASTER_KEY, (await storedModel(handle.server, model.id))!.litellm_params, WRITTEN_PARAMS);
    });

    it('never encrypts model_name or model_info', async () => {
      const model = await addModel(handle.server, { modelName: 'plain-name', litellmParams: WRITTEN_PARAMS, modelInfo: { description: 'plain text' } });
      const row = await storedModel(handle.server, model.id);
      expect(row).toMatchObject({ model_name: 'plain-name', model_info: { id: model.id, description: 'plain text' } });
    });

    it('returns litellmParams decrypted (secrets masked)', async () => {
      const model = await addModel(handle.server, { litellmParams: WRITTEN_PARAMS });
      const response = await handle.server.graphql(MODEL, { id: model.id });
      expect(response.data?.model.litellmParams).toEqual(maskSecrets(WRITTEN_PARAMS));
      expect(JSON.stringify(response)).not.toContain(WRITTEN_PARAMS.api_key);
    });

    it.each(VECTOR_FORMATS)('reads a row the proxy wrote in %s through model and models, decrypted and masked', async (format) => {
      const id = randomUUID();
      await insertRawModel(handle.server, id, JSON.stringify(proxyStoredParams(format)));
      const expected = maskSecrets({ ...PROXY_PARAMS, rpm: 60 });

      const single = await handle.server.graphql(MODEL, { id });
      expect(single.errors).toBeUndefined();
      expect(single.data?.model.litellmParams).toEqual(expected);
      const listed = await handle.server.graphql(MODELS, { filter: { modelName: `proxy-written-${id}` } });
      expect(listed.data?.models.edges.map((edge: any) => edge.node.litellmParams)).toEqual([expected]);
      const text = JSON.stringify([single, listed]);
      expect(text).not.toContain(PROXY_PARAMS.api_key);
      expect(text).not.toContain('BEGIN PRIVATE KEY');
    });

    it('reads audit snapshots holding every format, as objects and as the JSON text older proxies wrote, decrypted and masked', async () => {
      const objectId = randomUUID();
      const snapshot = (format: VectorFormat) => ({ model_id: objectId, model_name: 'proxy-model', litellm_params: proxyStoredParams(format), model_info: { id: objectId } });
      await insertAuditRow(handle.server, objectId, snapshot('v2:gcm'), snapshot('v3:gcm'));
      await insertLegacyAuditRow(handle.server, { action: 'updated', tableName: TABLES.proxyModel, objectId, beforeValue: snapshot('nacl-standard'), updatedValues: snapshot('nacl-urlsafe') });

      const response = await handle.server.graphql(AUDIT_SNAPSHOTS, { id: objectId });
      expect(response.errors).toBeUndefined();
      const entries = response.data!.auditLogs.edges.map((edge: any) => edge.node);
      expect(entries).toHaveLength(2);
      const presented = { model_id: objectId, model_name: 'proxy-model', litellm_params: maskSecrets({ ...PROXY_PARAMS, rpm: 60 }), model_info: { id: objectId } };
      for (const entry of entries) expect(entry).toEqual({ beforeValue: presented, updatedValues: presented });
      expect(JSON.stringify(response)).not.toContain(PROXY_PARAMS.api_key);
    });

    it('shows values that decrypt under no format as stored (masked when secret), without an error', async () => {
      const id = randomUUID();
      const undecryptable = PROXY_VECTORS.undecryptable.filter((value) => value.saltKey === TEST_MASTER_KEY);
      const stored = Object.fromEntries(undecryptable.map((value, index) => [`value_${index}`, value.stored]));
      const secrets = { api_key: undecryptable[0].stored, api_base: 'https://plain.example.com' };
      await insertRawModel(handle.server, id, JSON.stringify({ ...stored, ...secrets }));
      const response = await handle.server.graphql(MODEL, { id });
      expect(response.errors).toBeUndefined();
      expect(response.data?.model.litellmParams).toEqual(maskSecrets({ ...stored, ...secrets }));
      expect(response.data?.model.litellmParams.api_key).not.toBe(secrets.api_key);
    });

    it('reads a row whose litellm_params and model_info are JSON-encoded strings, as older proxies wrote them', async () => {
      const id = randomUUID();
      const modelInfo = { id, description: 'written by an old proxy' };
      await insertRawModel(handle.server, id, JSON.stringify(JSON.stringify(proxyStoredParams('nacl-standard'))), JSON.stringify(JSON.stringify(modelInfo)));
      expect((await handle.server.sql(`select jsonb_typeof(litellm_params) as t from "${TABLES.proxyModel}" where model_id = ?`, [id]))[0].t).toBe('string');
      const single = await handle.server.graphql(MODEL, { id });
      expect(single.errors).toBeUndefined();
      expect(single.data?.model).toMatchObject({ id, litellmParams: maskSecrets({ ...PROXY_PARAMS, rpm: 60 }), modelInfo });
    });

    it('patchModel and updateModel write only the incoming keys, as v3:gcm; the proxy-written ciphertext stays byte for byte', async () => {
      const id = randomUUID();
      const proxyWritten = { ...proxyStoredParams('nacl-standard'), api_version: proxyStored(TEST_MASTER_KEY, '', 'v2:gcm') };
      await insertRawModel(handle.server, id, JSON.stringify(proxyWritten), JSON.stringify(JSON.stringify({ id, tier: 'gold' })));

      const patched = await handle.server.graphql(PATCH_MODEL, { id, patch: { litellmParams: { api_key: 'sk-patched-0123456789', rpm: 9 }, modelInfo: { region: 'eu' } } });
      expect(patched.errors).toBeUndefined();
      const afterPatch = (await storedModel(handle.server, id))!;
      expect(afterPatch.model_info).toEqual({ id, tier: 'gold', region: 'eu' });
      expect(afterPatch.litellm_params).toEqual({ ...proxyWritten, api_key: expect.stringMatching(V3_GCM), rpm: 9 });
      expectWrittenAs('v3:gcm', TEST_MASTER_KEY, { api_key: afterPatch.litellm_params.api_key }, { api_key: 'sk-patched-0123456789' });

      const updated = await handle.server.graphql(UPDATE_MODEL, { input: { id, litellmParams: { api_base: 'https://updated.example.com' } } });
      expect(updated.errors).toBeUndefined();
      const afterUpdate = (await storedModel(handle.server, id))!.litellm_params;
      expect(afterUpdate).toEqual({ ...afterPatch.litellm_params, api_base: expect.stringMatching(V3_GCM) });
      expectWrittenAs('v3:gcm', TEST_MASTER_KEY, { api_base: afterUpdate.api_base }, { api_base: 'https://updated.example.com' });
    });

    it('writes a row read as JSON-encoded strings back as JSON objects', async () => {
      const id = randomUUID();
      await insertRawModel(handle.server, id, JSON.stringify(JSON.stringify({ model: proxyStored(TEST_MASTER_KEY, 'azure/gpt-4o', 'v3:gcm') })));
      expect((await handle.server.graphql(PATCH_MODEL, { id, patch: { litellmParams: { rpm: 9 } } })).errors).toBeUndefined();
      const [types] = await handle.server.sql(`select jsonb_typeof(litellm_params) as params from "${TABLES.proxyModel}" where model_id = ?`, [id]);
      expect(types).toEqual({ params: 'object' });
    });
  });

  describe('with LITELLM_SALT_KEY set, and the master key as LITELLM_SALT_KEY_PREVIOUS (a key rotation)', () => {
    // The previous key is the fixture's salt key of the test master key: the proxy's vectors were written before the rotation.
    const handle = serverForEachFile(kind, () => ({ saltKey: SALT_KEY, previousSaltKey: TEST_MASTER_KEY }));

    it('encrypts under the salt key, not under the master key', async () => {
      const model = await addModel(handle.server, { litellmParams: WRITTEN_PARAMS });
      const stored = (await storedModel(handle.server, model.id))!.litellm_params;
      expectWrittenAs('v3:gcm', SALT_KEY, stored, WRITTEN_PARAMS);
      expect(AtRestCipher.create({ saltKey: TEST_MASTER_KEY, algorithm: 'aes-256-gcm' }).decrypt(stored.api_key as string)).toBeUndefined();
      const response = await handle.server.graphql(MODEL, { id: model.id });
      expect(response.data?.model.litellmParams).toEqual(maskSecrets(WRITTEN_PARAMS));
    });

    it.each(VECTOR_FORMATS)('reads %s values written under the previous salt key; a patch writes under the current one', async (format) => {
      const id = randomUUID();
      await insertRawModel(handle.server, id, JSON.stringify(proxyStoredParams(format)));
      const response = await handle.server.graphql(MODEL, { id });
      expect(response.data?.model.litellmParams).toEqual(maskSecrets({ ...PROXY_PARAMS, rpm: 60 }));

      expect((await handle.server.graphql(PATCH_MODEL, { id, patch: { litellmParams: { api_key: 'sk-after-rotation-0123' } } })).errors).toBeUndefined();
      const stored = (await storedModel(handle.server, id))!.litellm_params;
      expectWrittenAs('v3:gcm', SALT_KEY, { api_key: stored.api_key }, { api_key: 'sk-after-rotation-0123' });
      expect(stored.model).toBe(proxyStored(TEST_MASTER_KEY, 'azure/gpt-4o', format));
    });
  });

  describe.each([
    ['general_settings.encryption_algorithm in the config file', withConfigFileAlgorithm('xsalsa20-poly1305')],
    ['LITELLM_ENCRYPTION_ALGORITHM', withEnvAlgorithm('xsalsa20-poly1305')],
  ])('with xsalsa20-poly1305 set by %s', (_where, settings) => {
    const handle = serverForEachFile(kind, settings);

    it('addModel, updateModel and patchModel write NaCl in standard base64 under the salt key', async () => {
      const model = await addModel(handle.server, { litellmParams: WRITTEN_PARAMS });
      expectWrittenAs('nacl', TEST_MASTER_KEY, (await storedModel(handle.server, model.id))!.litellm_params, WRITTEN_PARAMS);

      expect((await handle.server.graphql(UPDATE_MODEL, { input: { id: model.id, litellmParams: { api_key: 'sk-updated-0123456789' } } })).errors).toBeUndefined();
      expect((await handle.server.graphql(PATCH_MODEL, { id: model.id, patch: { litellmParams: { api_base: 'https://patched.example.com' } } })).errors).toBeUndefined();
      expectWrittenAs('nacl', TEST_MASTER_KEY, (await storedModel(handle.server, model.id))!.litellm_params, {
        ...WRITTEN_PARAMS,
        api_key: 'sk-updated-0123456789',
        api_base: 'https://patched.example.com',
      });
    });

    it('still reads v3:gcm values the proxy wrote', async () => {
      const id = randomUUID();
      await insertRawModel(handle.server, id, JSON.stringify(proxyStoredParams('v3:gcm')));
      expect((await handle.server.graphql(MODEL, { id })).data?.model.litellmParams).toEqual(maskSecrets({ ...PROXY_PARAMS, rpm: 60 }));
    });
  });

  describe('with aes-256-gcm in the config file and xsalsa20-poly1305 in the environment', () => {
    const handle = serverForEachFile(kind, () => ({ ...withConfigFileAlgorithm('aes-256-gcm')(), ...withEnvAlgorithm('xsalsa20-poly1305')() }));

    it('writes v3:gcm: the config file wins, as in the proxy', async () => {
      const model = await addModel(handle.server, { litellmParams: { model: 'azure/gpt-4o' } });
      expectWrittenAs('v3:gcm', TEST_MASTER_KEY, (await storedModel(handle.server, model.id))!.litellm_params, { model: 'azure/gpt-4o' });
    });
  });
});
