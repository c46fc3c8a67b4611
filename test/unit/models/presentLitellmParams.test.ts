import { maskSecrets } from '../../../src/crypto/maskSecrets';
import { AtRestCipher, type EncryptionAlgorithm } from '../../../src/crypto/AtRestCipher';
import { decryptLitellmParams, encryptLitellmParams } from '../../../src/crypto/litellmParamsAtRest';
import { presentLitellmParams } from '../../../src/models/presentLitellmParams';
import { PresentedValues } from '../../../src/crypto/PresentedValues';

const cipherFor = (saltKey: string, algorithm: EncryptionAlgorithm = 'aes-256-gcm') => AtRestCipher.create({ saltKey, algorithm });
const cipher = cipherFor('sk-unit-test-master-key');
const plain = { model: 'openai/gpt-4o', api_key: 'sk-live-0123456789abcdef', max_tokens: 512, vertex_credentials: { private_key: 'x'.repeat(40) } };

describe('presentLitellmParams', () => {
  it.each(['aes-256-gcm', 'xsalsa20-poly1305'] as const)('presents params stored with %s exactly as decrypting then masking them would', (algorithm) => {
    const writer = cipherFor('sk-unit-test-master-key', algorithm);
    const stored = encryptLitellmParams(plain, writer);
    const presented = new PresentedValues(cipher);
    const expected = maskSecrets(decryptLitellmParams(stored, cipher));
    expect(presentLitellmParams(stored, presented, true)).toEqual(expected);
    // A second read comes from the memo and must be the same.
    expect(presentLitellmParams(stored, presented, true)).toEqual(expected);
  });

  it('never returns a plaintext secret, first read or memoised', () => {
    const stored = encryptLitellmParams(plain, cipher);
    const presented = new PresentedValues(cipher);
    for (let read = 0; read < 2; read += 1) {
      const text = JSON.stringify(presentLitellmParams(stored, presented, true));
      expect(text).not.toContain(plain.api_key);
      expect(text).toContain('openai/gpt-4o');
    }
  });

  it('shows a value that does not decrypt under this salt key as stored (plaintext), masked if secret', () => {
    const stored = encryptLitellmParams(plain, cipher);
    presentLitellmParams(stored, new PresentedValues(cipher), true);
    const underOtherKey = presentLitellmParams(stored, new PresentedValues(cipherFor('another key')), true);
    expect(underOtherKey.model).toBe(stored.model);
    expect(underOtherKey.api_key).not.toBe(stored.api_key);
  });

  it('masks config-file params without decrypting them', () => {
    expect(presentLitellmParams(plain, new PresentedValues(cipher), false)).toEqual(maskSecrets(plain));
  });
});

describe('PresentedValues', () => {
  it('decrypts each stored value once, and starts over when it holds its capacity', () => {
    const presented = new PresentedValues(cipher, 2);
    const [a, b, c] = ['a', 'b', 'c'].map((letter) => cipher.encrypt(`openai/${letter}`));
    const decrypt = jest.spyOn(cipher, 'decrypt');
    try {
      expect([a, b, a, b].map((value) => presented.present('model', value))).toEqual(['openai/a', 'openai/b', 'openai/a', 'openai/b']);
      expect(decrypt).toHaveBeenCalledTimes(2);
      // Full: c empties the memo, so a is decrypted again.
      expect([c, a].map((value) => presented.present('model', value))).toEqual(['openai/c', 'openai/a']);
      expect(decrypt).toHaveBeenCalledTimes(4);
    } finally {
      decrypt.mockRestore();
    }
  });
});
