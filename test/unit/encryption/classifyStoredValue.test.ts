// Telling stored values apart, checked against values the proxy's own libraries made (test/fixtures/proxy-vectors).
import { AtRestCipher } from '../../../src/crypto/AtRestCipher';
import { classifyStoredValue, looksLikeCiphertext, StoredValueClassifier } from '../../../src/encryption/classifyStoredValue';
import { atRestFormatOf, PROXY_VECTORS, proxyStored } from '../../fixtures/proxy-vectors/proxyVectors';

const OLD_KEY = 'sk-1234';
const NEW_KEY = 'sk-the-new-salt-key';
const underOldKey = AtRestCipher.create({ saltKey: OLD_KEY, algorithm: 'aes-256-gcm' });
const afterRotation = AtRestCipher.create({ saltKey: NEW_KEY, previousSaltKey: OLD_KEY, algorithm: 'aes-256-gcm' });

describe('classifyStoredValue', () => {
  const vectors = PROXY_VECTORS.vectors.filter((vector) => vector.saltKey === OLD_KEY);

  it.each(vectors.map((vector) => [vector.format, vector.plaintext.length, vector] as const))(
    'a %s value the proxy wrote (plaintext of %i characters) is encrypted, in its format, under the current key',
    (_format, _length, vector) => {
      expect(classifyStoredValue(underOldKey, 'api_key', vector.stored)).toEqual({ kind: 'encrypted', format: atRestFormatOf(vector.format), key: 'current', plaintext: vector.plaintext });
    },
  );

  it.each(vectors.map((vector) => [vector.format, vector] as const))('a %s value under the previous salt key is reported as needing it', (_format, vector) => {
    expect(classifyStoredValue(afterRotation, 'api_key', vector.stored)).toMatchObject({ kind: 'encrypted', key: 'previous', plaintext: vector.plaintext });
  });

  const undecryptable = PROXY_VECTORS.undecryptable.filter((value) => value.saltKey === OLD_KEY);
  const shaped = ['v3:gcm under another salt key', 'v2:gcm under another salt key', 'NaCl under another salt key', 'v3:gcm with its tag tampered', 'NaCl with its authenticator tampered', 'v3:gcm with an empty payload', 'plaintext that is long base64'];
  it.each(shaped)('%s is undecryptable: it has the shape of a ciphertext', (why) => {
    const value = undecryptable.find((candidate) => candidate.why === why)!;
    expect(classifyStoredValue(underOldKey, 'api_key', value.stored)).toEqual({ kind: 'undecryptable' });
  });

  it.each(['plaintext API key in the base64 alphabet', 'plaintext URL', 'plaintext that is base64 of a short text', 'a lone asterisk (decodes to no bytes)'])(
    '%s under a secret-bearing key is a plaintext secret',
    (why) => {
      const value = undecryptable.find((candidate) => candidate.why === why)!;
      expect(classifyStoredValue(underOldKey, 'api_key', value.stored)).toEqual({ kind: 'plaintext' });
      expect(classifyStoredValue(underOldKey, 'aws_secret_access_key', value.stored)).toEqual({ kind: 'plaintext' });
    },
  );

  it('a value in clear under a key that bears no secret is clear, and so is an empty secret', () => {
    expect(classifyStoredValue(underOldKey, 'model', 'openai/gpt-4o')).toEqual({ kind: 'clear' });
    expect(classifyStoredValue(underOldKey, 'LANGFUSE_HOST', 'https://cloud.langfuse.com')).toEqual({ kind: 'clear' });
    expect(classifyStoredValue(underOldKey, 'api_key', '')).toEqual({ kind: 'clear' });
  });

  it('a value under neither configured key is undecryptable, even one the previous key would open once it is set', () => {
    const stored = proxyStored(OLD_KEY, 'sk-azure-secret-0123456789', 'nacl-urlsafe');
    expect(classifyStoredValue(AtRestCipher.create({ saltKey: NEW_KEY, algorithm: 'aes-256-gcm' }), 'api_key', stored)).toEqual({ kind: 'undecryptable' });
  });
});

describe('looksLikeCiphertext', () => {
  it('knows the versioned prefixes, and NaCl by its padded base64 of at least 40 bytes in one alphabet', () => {
    expect(looksLikeCiphertext('v3:gcm:')).toBe(true);
    expect(looksLikeCiphertext('v2:gcm:anything')).toBe(true);
    expect(looksLikeCiphertext(Buffer.alloc(40, 7).toString('base64'))).toBe(true);
    expect(looksLikeCiphertext(Buffer.alloc(39, 7).toString('base64'))).toBe(false);
    // Unpadded, or both alphabets at once: never written by the proxy.
    expect(looksLikeCiphertext(Buffer.alloc(41, 7).toString('base64').replace(/=+$/, ''))).toBe(false);
    expect(looksLikeCiphertext(`${'A'.repeat(54)}+-`)).toBe(false);
    expect(looksLikeCiphertext('https://example.openai.azure.com/openai/deployments/gpt-4o')).toBe(false);
  });
});

describe('StoredValueClassifier', () => {
  it('answers as classifyStoredValue does, also for a string met again under another key name', () => {
    const classifier = new StoredValueClassifier(underOldKey);
    const stored = proxyStored(OLD_KEY, 'sk-azure-secret-0123456789', 'v2:gcm');
    for (let round = 0; round < 2; round += 1) {
      expect(classifier.classify('api_key', stored)).toEqual(classifyStoredValue(underOldKey, 'api_key', stored));
      expect(classifier.classify('api_key', 'sk-in-clear-0001')).toEqual({ kind: 'plaintext' });
      expect(classifier.classify('model', 'sk-in-clear-0001')).toEqual({ kind: 'clear' });
    }
  });
});
