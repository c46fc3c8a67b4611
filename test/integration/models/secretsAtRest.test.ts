// litellm_params at rest, byte-compatible with the proxy: every string value is secretbox ciphertext under
// sha256(LITELLM_SALT_KEY or master key); rows written by the proxy (plaintext values, JSON-encoded strings) read fine.
import { randomUUID } from 'node:crypto';
import { decryptValue, deriveEncryptionKey, encryptValue } from '../../../src/crypto/secretBox';
import { TABLES } from '../../../src/database/tables';
import { addModel } from '../../support/fixtures';
import { testDatabaseKinds } from '../../support/testDatabases';
import { serverForEachFile, TEST_MASTER_KEY, type TestServer } from '../../support/testServer';
import { MODEL, MODELS, PATCH_MODEL, storedModel } from '../../support/modelApi';

const SALT_KEY = 'sk-test-salt-key-for-at-rest-encryption';
const STANDARD_BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

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

/** Asserts each string value is ciphertext that `key` opens to what was written, and the rest is stored as it is. */
function expectEncryptedWith(stored: Record<string, unknown>, written: Record<string, unknown>, key: Uint8Array) {
  expect(Object.keys(stored).sort()).toEqual(Object.keys(written).sort());
  for (const [name, value] of Object.entries(written)) {
    if (typeof value === 'string') {
      expect(stored[name]).not.toBe(value);
      expect(stored[name]).toMatch(STANDARD_BASE64);
      expect(decryptValue(stored[name] as string, key)).toBe(value);
    } else {
      expect(stored[name]).toEqual(value);
    }
  }
}

async function insertRawModel(server: TestServer, id: string, litellmParams: string, modelInfo: string) {
  await server.sql(
    `insert into "${TABLES.proxyModel}" (model_id, model_name, litellm_params, model_info, created_by, updated_by)
     values (?, ?, ?::jsonb, ?::jsonb, 'proxy', 'proxy')`,
    [id, `legacy-${id}`, litellmParams, modelInfo],
  );
}

describe.each(testDatabaseKinds())('secrets at rest on %s', (kind) => {
  describe('with no salt key', () => {
    const handle = serverForEachFile(kind);
    const masterKeyKey = deriveEncryptionKey(TEST_MASTER_KEY);

    it('stores every string value of litellm_params as standard-base64 ciphertext that opens with sha256(master key); other values as they are', async () => {
      const model = await addModel(handle.server, { litellmParams: WRITTEN_PARAMS });
      expectEncryptedWith((await storedModel(handle.server, model.id))!.litellm_params, WRITTEN_PARAMS, masterKeyKey);
    });

    it('never encrypts model_name or model_info', async () => {
      const model = await addModel(handle.server, { modelName: 'plain-name', litellmParams: WRITTEN_PARAMS, modelInfo: { description: 'plain text' } });
      const row = await storedModel(handle.server, model.id);
      expect(row).toMatchObject({ model_name: 'plain-name', model_info: { id: model.id, description: 'plain text' } });
    });

    it('returns litellmParams decrypted (secrets masked)', async () => {
      const model = await addModel(handle.server, { litellmParams: WRITTEN_PARAMS });
      const response = await handle.server.graphql(MODEL, { id: model.id });
      expect(response.data?.model.litellmParams).toEqual({ ...WRITTEN_PARAMS, api_key: 'sk-****6789' });
    });

    it('returns a value stored as plaintext by someone else as it is, without an error', async () => {
      const id = randomUUID();
      const plaintext = { model: 'openai/gpt-4o-mini', api_base: 'https://plain.example.com', api_key: 'sk-plaintext-0123456789' };
      await insertRawModel(handle.server, id, JSON.stringify(plaintext), JSON.stringify({ id }));
      const response = await handle.server.graphql(MODEL, { id });
      expect(response.errors).toBeUndefined();
      expect(response.data?.model.litellmParams).toEqual({ ...plaintext, api_key: 'sk-****6789' });
    });

    it('decrypts URL-safe unpadded base64 as the proxy may have written it', async () => {
      const id = randomUUID();
      const urlSafe = (value: string) => encryptValue(value, masterKeyKey).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
      await insertRawModel(handle.server, id, JSON.stringify({ model: urlSafe('openai/gpt-4o'), api_base: urlSafe('https://url-safe.example.com') }), '{}');
      const response = await handle.server.graphql(MODEL, { id });
      expect(response.data?.model.litellmParams).toEqual({ model: 'openai/gpt-4o', api_base: 'https://url-safe.example.com' });
    });

    it('reads a row whose litellm_params and model_info are JSON-encoded strings, as older proxies wrote them', async () => {
      const id = randomUUID();
      const litellmParams = { model: encryptValue('openai/gpt-4o', masterKeyKey), api_key: encryptValue('sk-legacy-0123456789', masterKeyKey), rpm: 5 };
      const modelInfo = { id, description: 'written by an old proxy' };
      await insertRawModel(handle.server, id, JSON.stringify(JSON.stringify(litellmParams)), JSON.stringify(JSON.stringify(modelInfo)));
      expect((await handle.server.sql(`select jsonb_typeof(litellm_params) as t from "${TABLES.proxyModel}" where model_id = ?`, [id]))[0].t).toBe('string');

      const single = await handle.server.graphql(MODEL, { id });
      expect(single.errors).toBeUndefined();
      expect(single.data?.model).toMatchObject({ id, litellmParams: { model: 'openai/gpt-4o', api_key: 'sk-****6789', rpm: 5 }, modelInfo });

      const listed = await handle.server.graphql(MODELS, { filter: { modelName: `legacy-${id}` } });
      expect(listed.data?.models.edges.map((edge: any) => edge.node)).toEqual([expect.objectContaining({ id, modelInfo, litellmParams: single.data?.model.litellmParams })]);
    });

    it('writes such a row back as JSON objects when it is patched', async () => {
      const id = randomUUID();
      const litellmParams = { model: encryptValue('openai/gpt-4o', masterKeyKey) };
      await insertRawModel(handle.server, id, JSON.stringify(JSON.stringify(litellmParams)), JSON.stringify(JSON.stringify({ id, tier: 'gold' })));
      const response = await handle.server.graphql(PATCH_MODEL, { id, patch: { litellmParams: { rpm: 9 }, modelInfo: { region: 'eu' } } });
      expect(response.errors).toBeUndefined();
      const [types] = await handle.server.sql(
        `select jsonb_typeof(litellm_params) as params, jsonb_typeof(model_info) as info from "${TABLES.proxyModel}" where model_id = ?`,
        [id],
      );
      expect(types).toEqual({ params: 'object', info: 'object' });
      const row = await storedModel(handle.server, id);
      expect(row?.model_info).toEqual({ id, tier: 'gold', region: 'eu' });
      expect(row?.litellm_params).toEqual({ model: litellmParams.model, rpm: 9 });
    });
  });

  describe('with LITELLM_SALT_KEY set', () => {
    const handle = serverForEachFile(kind, () => ({ saltKey: SALT_KEY }));

    it('encrypts with sha256(salt key), not with the master key', async () => {
      const model = await addModel(handle.server, { litellmParams: WRITTEN_PARAMS });
      const stored = (await storedModel(handle.server, model.id))!.litellm_params;
      expectEncryptedWith(stored, WRITTEN_PARAMS, deriveEncryptionKey(SALT_KEY));
      expect(decryptValue(stored.api_key as string, deriveEncryptionKey(TEST_MASTER_KEY))).toBeUndefined();
    });

    it('decrypts with the salt key on the way out', async () => {
      const model = await addModel(handle.server, { litellmParams: WRITTEN_PARAMS });
      const response = await handle.server.graphql(MODEL, { id: model.id });
      expect(response.data?.model.litellmParams).toMatchObject({ model: 'azure/gpt-4o', api_base: WRITTEN_PARAMS.api_base, api_key: 'sk-****6789' });
    });
  });
});
