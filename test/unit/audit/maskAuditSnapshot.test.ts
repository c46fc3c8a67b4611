import { maskAuditSnapshot } from '../../../src/audit/maskAuditSnapshot';
import { maskSecret } from '../../../src/crypto/maskSecrets';
import { deriveEncryptionKey, encryptValue } from '../../../src/crypto/secretBox';

const KEY = deriveEncryptionKey('sk-unit-master-key');
const SECRET = 'sk-provider-secret-0123456789';

describe('maskAuditSnapshot', () => {
  it('decrypts litellm_params and masks its secrets', () => {
    const snapshot = { model_id: 'm1', litellm_params: { model: encryptValue('openai/gpt-4o', KEY), api_key: encryptValue(SECRET, KEY), rpm: 60 } };
    expect(maskAuditSnapshot(snapshot, KEY)).toEqual({ model_id: 'm1', litellm_params: { model: 'openai/gpt-4o', api_key: maskSecret(SECRET), rpm: 60 } });
  });

  it('reads litellm_params the old proxy dumped as JSON text', () => {
    const snapshot = { litellm_params: JSON.stringify({ api_key: encryptValue(SECRET, KEY) }) };
    expect(maskAuditSnapshot(snapshot, KEY)).toEqual({ litellm_params: { api_key: maskSecret(SECRET) } });
  });

  it('reads any other JSON column dumped as JSON text as an object, and masks inside it', () => {
    const snapshot = { model_info: JSON.stringify({ id: 'm1', access_token: SECRET }), model_name: '[beta] gpt' };
    expect(maskAuditSnapshot(snapshot, KEY)).toEqual({ model_info: { id: 'm1', access_token: maskSecret(SECRET) }, model_name: '[beta] gpt' });
  });

  it("masks the raw key the old proxy kept in a key's created entry", () => {
    const rawKey = 'sk-raw-generated-key-abcdefgh';
    expect(JSON.stringify(maskAuditSnapshot({ key: rawKey, token: 'f'.repeat(64), key_alias: 'ci' }, KEY))).not.toContain(rawKey);
  });

  it('keeps a value that does not decrypt as plaintext, masked when it is a secret', () => {
    expect(maskAuditSnapshot({ litellm_params: { api_key: SECRET, api_base: 'https://example.com' } }, KEY)).toEqual({
      litellm_params: { api_key: maskSecret(SECRET), api_base: 'https://example.com' },
    });
  });

  it('is null for no snapshot', () => {
    expect(maskAuditSnapshot(null, KEY)).toBeNull();
  });

  it('presents the same ciphertext the same way in every snapshot it appears in', () => {
    const snapshot = { litellm_params: { api_key: encryptValue(SECRET, KEY), model: encryptValue('openai/gpt-4o', KEY) }, model_name: 'gpt' };
    const first = maskAuditSnapshot(snapshot, KEY);
    expect(maskAuditSnapshot(snapshot, KEY)).toEqual(first);
    expect(first).toEqual({ litellm_params: { api_key: maskSecret(SECRET), model: 'openai/gpt-4o' }, model_name: 'gpt' });
  });

  it('keeps the column order of the stored snapshot', () => {
    const snapshot = { model_id: 'm1', litellm_params: { model: encryptValue('m', KEY) }, model_name: 'n', created_at: '2026-01-01T00:00:00.000Z' };
    expect(Object.keys(maskAuditSnapshot(snapshot, KEY) as object)).toEqual(['model_id', 'litellm_params', 'model_name', 'created_at']);
  });
});
