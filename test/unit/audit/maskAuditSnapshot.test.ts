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
});
