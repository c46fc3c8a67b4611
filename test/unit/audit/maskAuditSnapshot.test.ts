import { maskAuditSnapshot } from '../../../src/audit/maskAuditSnapshot';
import { maskSecret } from '../../../src/crypto/maskSecrets';
import { AtRestCipher } from '../../../src/crypto/AtRestCipher';
import { PresentedValues } from '../../../src/crypto/PresentedValues';

const CIPHER = AtRestCipher.create({ saltKey: 'sk-unit-master-key', algorithm: 'aes-256-gcm' });
const PRESENTED = new PresentedValues(CIPHER);
const SECRET = 'sk-provider-secret-0123456789';

describe('maskAuditSnapshot', () => {
  it('decrypts litellm_params and masks its secrets', () => {
    const snapshot = { model_id: 'm1', litellm_params: { model: CIPHER.encrypt('openai/gpt-4o'), api_key: CIPHER.encrypt(SECRET), rpm: 60 } };
    expect(maskAuditSnapshot(snapshot, PRESENTED)).toEqual({ model_id: 'm1', litellm_params: { model: 'openai/gpt-4o', api_key: maskSecret(SECRET), rpm: 60 } });
  });

  it('reads litellm_params the old proxy dumped as JSON text', () => {
    const snapshot = { litellm_params: JSON.stringify({ api_key: CIPHER.encrypt(SECRET) }) };
    expect(maskAuditSnapshot(snapshot, PRESENTED)).toEqual({ litellm_params: { api_key: maskSecret(SECRET) } });
  });

  it('reads any other JSON column dumped as JSON text as an object, and masks inside it', () => {
    const snapshot = { model_info: JSON.stringify({ id: 'm1', access_token: SECRET }), model_name: '[beta] gpt' };
    expect(maskAuditSnapshot(snapshot, PRESENTED)).toEqual({ model_info: { id: 'm1', access_token: maskSecret(SECRET) }, model_name: '[beta] gpt' });
  });

  it("masks the raw key the old proxy kept in a key's created entry", () => {
    const rawKey = 'sk-raw-generated-key-abcdefgh';
    expect(JSON.stringify(maskAuditSnapshot({ key: rawKey, token: 'f'.repeat(64), key_alias: 'ci' }, PRESENTED))).not.toContain(rawKey);
  });

  it('keeps a value that does not decrypt as plaintext, masked when it is a secret', () => {
    expect(maskAuditSnapshot({ litellm_params: { api_key: SECRET, api_base: 'https://example.com' } }, PRESENTED)).toEqual({
      litellm_params: { api_key: maskSecret(SECRET), api_base: 'https://example.com' },
    });
  });

  it('is null for no snapshot', () => {
    expect(maskAuditSnapshot(null, PRESENTED)).toBeNull();
  });

  it('presents the same ciphertext the same way in every snapshot it appears in', () => {
    const snapshot = { litellm_params: { api_key: CIPHER.encrypt(SECRET), model: CIPHER.encrypt('openai/gpt-4o') }, model_name: 'gpt' };
    const first = maskAuditSnapshot(snapshot, PRESENTED);
    expect(maskAuditSnapshot(snapshot, PRESENTED)).toEqual(first);
    expect(first).toEqual({ litellm_params: { api_key: maskSecret(SECRET), model: 'openai/gpt-4o' }, model_name: 'gpt' });
  });

  it('keeps the column order of the stored snapshot', () => {
    const snapshot = { model_id: 'm1', litellm_params: { model: CIPHER.encrypt('m') }, model_name: 'n', created_at: '2026-01-01T00:00:00.000Z' };
    expect(Object.keys(maskAuditSnapshot(snapshot, PRESENTED) as object)).toEqual(['model_id', 'litellm_params', 'model_name', 'created_at']);
  });
});
