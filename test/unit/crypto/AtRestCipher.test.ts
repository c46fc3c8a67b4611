import { AtRestCipher, ENCRYPTION_ALGORITHMS, parseEncryptionAlgorithm, type EncryptionAlgorithm } from '../../../src/crypto/AtRestCipher';

const SALT_KEY = 'sk-test-salt-key';
const PREVIOUS_SALT_KEY = 'sk-test-salt-key-before-rotation';
const PLAINTEXTS = ['', 'sk-live-123', 'ünïcødé 🔑', 'x'.repeat(10_000)];

const cipherFor = (algorithm: EncryptionAlgorithm, saltKey = SALT_KEY, previousSaltKey?: string) =>
  AtRestCipher.create({ saltKey, previousSaltKey, algorithm });

/** The stored value with one byte of its binary payload (after any vN:gcm: prefix) changed. */
function flipByte(stored: string, index: number): string {
  const prefix = /^v\d:gcm:/.exec(stored)?.[0] ?? '';
  const bytes = Buffer.from(stored.slice(prefix.length), 'base64');
  bytes[index < 0 ? bytes.length + index : index] ^= 0x01;
  return prefix + (prefix ? bytes.toString('base64url') : bytes.toString('base64'));
}

describe.each([
  ['aes-256-gcm', 'v3:gcm', /^v3:gcm:[A-Za-z0-9_-]+={0,2}$/],
  ['xsalsa20-poly1305', 'nacl', /^[A-Za-z0-9+/]+={0,2}$/],
] as const)('AtRestCipher writing %s', (algorithm, format, storedShape) => {
  const cipher = cipherFor(algorithm);

  it(`writes ${format}, which it reads back under the current key`, () => {
    for (const plaintext of PLAINTEXTS) {
      const stored = cipher.encrypt(plaintext);
      expect(stored).toMatch(storedShape);
      expect(stored.replace(/^v3:gcm:/, '').length % 4).toBe(0); // padded, as Python's decoder needs
      expect(cipher.decrypt(stored)).toEqual({ plaintext, format, key: 'current' });
    }
  });

  it('gives every value a fresh random nonce', () => {
    const stored = Array.from({ length: 500 }, () => cipher.encrypt('same'));
    expect(new Set(stored).size).toBe(500);
  });

  it('does not open under another salt key', () => {
    expect(cipherFor(algorithm, 'another key').decrypt(cipher.encrypt('sk-proxy-secret'))).toBeUndefined();
  });

  it('does not open with one byte changed in the nonce, the ciphertext or the tag', () => {
    const stored = cipher.encrypt('sk-proxy-secret');
    for (const index of [0, 5, -1, -8]) expect(cipher.decrypt(flipByte(stored, index))).toBeUndefined();
  });

  it('refuses a fixed nonce of the wrong length (a programming error, never silently)', () => {
    expect(() => cipher.encrypt('x', new Uint8Array(16))).toThrow(RangeError);
  });
});

describe('AtRestCipher reading', () => {
  const gcm = cipherFor('aes-256-gcm');
  const nacl = cipherFor('xsalsa20-poly1305');

  it('reads every format whatever the algorithm it writes', () => {
    expect(nacl.decrypt(gcm.encrypt('written as v3'))).toEqual({ plaintext: 'written as v3', format: 'v3:gcm', key: 'current' });
    expect(gcm.decrypt(nacl.encrypt('written as NaCl'))).toEqual({ plaintext: 'written as NaCl', format: 'nacl', key: 'current' });
  });

  it('reads NaCl in URL-safe base64, with or without padding', () => {
    let stored = nacl.encrypt('sk-proxy-secret');
    while (!/[+/]/.test(stored) || !stored.endsWith('=')) stored = nacl.encrypt('sk-proxy-secret');
    const urlSafe = stored.replace(/\+/g, '-').replace(/\//g, '_');
    expect(gcm.decrypt(urlSafe)?.plaintext).toBe('sk-proxy-secret');
    expect(gcm.decrypt(urlSafe.replace(/=+$/, ''))?.plaintext).toBe('sk-proxy-secret');
  });

  it.each([
    ['empty', ''],
    ['a lone asterisk', '*'],
    ['plaintext model name', 'azure/gpt-4o'],
    ['not base64', 'not base64 at all!'],
    ['impossible base64 length', 'abcde'],
    ['misplaced padding', 'ab=c'],
    ['too short for a NaCl nonce and authenticator', Buffer.alloc(39).toString('base64')],
    ['random bytes of a plausible length', Buffer.alloc(64, 7).toString('base64')],
    ['a v3:gcm prefix alone', 'v3:gcm:'],
    ['a v3:gcm prefix and no base64', 'v3:gcm:not base64!'],
    ['a v2:gcm prefix and too few bytes', `v2:gcm:${Buffer.alloc(27).toString('base64url')}`],
    ['a GCM prefix of an unknown version', `v9:gcm:${Buffer.alloc(40).toString('base64url')}`],
  ])('gives undefined, never an exception, for a value that is not ciphertext (%s)', (_case, stored) => {
    expect(gcm.decrypt(stored)).toBeUndefined();
  });
});

describe('AtRestCipher key rotation (LITELLM_SALT_KEY_PREVIOUS)', () => {
  it.each(ENCRYPTION_ALGORITHMS)('reads %s values written under the previous salt key, and says so', (algorithm) => {
    const beforeRotation = cipherFor(algorithm, PREVIOUS_SALT_KEY).encrypt('sk-written-before-rotation');
    const rotated = cipherFor(algorithm, SALT_KEY, PREVIOUS_SALT_KEY);
    expect(rotated.decrypt(beforeRotation)).toMatchObject({ plaintext: 'sk-written-before-rotation', key: 'previous' });
    expect(cipherFor(algorithm, SALT_KEY).decrypt(beforeRotation)).toBeUndefined();
  });

  it('writes under the current salt key only', () => {
    const rotated = cipherFor('aes-256-gcm', SALT_KEY, PREVIOUS_SALT_KEY);
    const stored = rotated.encrypt('sk-written-after-rotation');
    expect(rotated.decrypt(stored)?.key).toBe('current');
    expect(cipherFor('aes-256-gcm', SALT_KEY).decrypt(stored)?.plaintext).toBe('sk-written-after-rotation');
    expect(cipherFor('aes-256-gcm', PREVIOUS_SALT_KEY).decrypt(stored)).toBeUndefined();
  });

  it('reads a value under neither key as not ciphertext', () => {
    const rotated = cipherFor('aes-256-gcm', SALT_KEY, PREVIOUS_SALT_KEY);
    expect(rotated.decrypt(cipherFor('aes-256-gcm', 'a third key').encrypt('x'))).toBeUndefined();
  });
});

describe('parseEncryptionAlgorithm', () => {
  it('knows the two values of the proxy setting, in any case as the proxy compares them', () => {
    expect(parseEncryptionAlgorithm('aes-256-gcm')).toBe('aes-256-gcm');
    expect(parseEncryptionAlgorithm('XSalsa20-Poly1305')).toBe('xsalsa20-poly1305');
  });

  it.each(['aes', 'aes-128-gcm', 'nacl', ''])('knows no other (%j)', (value) => {
    expect(parseEncryptionAlgorithm(value)).toBeUndefined();
  });
});
