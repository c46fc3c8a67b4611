import { maskSecrets } from '../../../src/crypto/maskSecrets';
import { decryptLitellmParams, deriveEncryptionKey, encryptLitellmParams } from '../../../src/crypto/secretBox';
import { presentLitellmParams } from '../../../src/models/presentLitellmParams';

const key = deriveEncryptionKey('sk-unit-test-master-key');
const plain = { model: 'openai/gpt-4o', api_key: 'sk-live-0123456789abcdef', max_tokens: 512, vertex_credentials: { private_key: 'x'.repeat(40) } };

describe('presentLitellmParams', () => {
  it('presents stored params exactly as decrypting then masking them would', () => {
    const stored = encryptLitellmParams(plain, key);
    const expected = maskSecrets(decryptLitellmParams(stored, key));
    expect(presentLitellmParams(stored, key, true)).toEqual(expected);
    // A second read comes from the memo and must be the same.
    expect(presentLitellmParams(stored, key, true)).toEqual(expected);
  });

  it('never returns a plaintext secret, first read or memoised', () => {
    const stored = encryptLitellmParams(plain, key);
    for (let read = 0; read < 2; read += 1) {
      const text = JSON.stringify(presentLitellmParams(stored, key, true));
      expect(text).not.toContain(plain.api_key);
      expect(text).toContain('openai/gpt-4o');
    }
  });

  it('shows a value that does not decrypt under this key as stored (plaintext), masked if secret', () => {
    const stored = encryptLitellmParams(plain, key);
    const otherKey = deriveEncryptionKey('another key');
    presentLitellmParams(stored, key, true);
    const underOtherKey = presentLitellmParams(stored, otherKey, true);
    expect(underOtherKey.model).toBe(stored.model);
    expect(underOtherKey.api_key).not.toBe(stored.api_key);
  });

  it('masks config-file params without decrypting them', () => {
    expect(presentLitellmParams(plain, key, false)).toEqual(maskSecrets(plain));
  });
});
