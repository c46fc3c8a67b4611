import { createHash } from 'node:crypto';
import nacl from 'tweetnacl';
import {
  NONCE_LENGTH,
  decryptLitellmParams,
  decryptValue,
  deriveEncryptionKey,
  encryptLitellmParams,
  encryptValue,
  randomNonce,
} from '../../../src/crypto/secretBox';

const SALT_KEY = 'sk-test-salt-key';
const FIXED_NONCE = Uint8Array.from({ length: 24 }, (_, index) => index);
// Computed once with encryptValue, and rebuilt below from tweetnacl and node:crypto directly.
const FIXED_VECTOR = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXkaDfLx0NUqPVeHgc9mS/whPg387ppky8OH4GTe+AmQ==';

const key = deriveEncryptionKey(SALT_KEY);

function toUrlSafeWithoutPadding(standard: string): string {
  return standard.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function flipByte(stored: string, index: number): string {
  const bytes = Buffer.from(stored, 'base64');
  bytes[index] ^= 0x01;
  return bytes.toString('base64');
}

describe('deriveEncryptionKey', () => {
  it('is sha256 of the utf-8 key, as 32 raw bytes', () => {
    expect(Buffer.from(deriveEncryptionKey('abc')).toString('hex')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });
});

describe('encryptValue / decryptValue', () => {
  it('a value encrypted with a key decrypts with the same key', () => {
    for (const plaintext of ['', 'sk-live-123', 'ünïcødé 🔑', 'x'.repeat(10_000)]) {
      expect(decryptValue(encryptValue(plaintext, key), key)).toBe(plaintext);
    }
  });

  it('each encryption uses a fresh random nonce', () => {
    expect(encryptValue('same', key)).not.toBe(encryptValue('same', key));
  });

  it('randomNonce never repeats and keeps its nonces apart, across many draws from the CSPRNG', () => {
    const nonces = Array.from({ length: 1000 }, () => randomNonce());
    expect(nonces.every((nonce) => nonce.length === NONCE_LENGTH)).toBe(true);
    expect(new Set(nonces.map((nonce) => Buffer.from(nonce).toString('hex'))).size).toBe(1000);
    // Each nonce is its own copy: changing one (secretbox never does, but a caller could) changes no other.
    nonces[0].fill(0);
    expect(nonces[1].some((byte) => byte !== 0)).toBe(true);
  });

  it('a fixed key, nonce and plaintext give the fixed stored value the proxy would write', () => {
    expect(encryptValue('sk-proxy-secret', key, FIXED_NONCE)).toBe(FIXED_VECTOR);
  });

  it('the stored value is standard base64 of nonce followed by the secretbox, built independently', () => {
    const independentKey = new Uint8Array(createHash('sha256').update(SALT_KEY).digest());
    const box = nacl.secretbox(new TextEncoder().encode('sk-proxy-secret'), FIXED_NONCE, independentKey);
    const bytes = Buffer.from(FIXED_VECTOR, 'base64');
    expect(bytes.subarray(0, NONCE_LENGTH)).toEqual(Buffer.from(FIXED_NONCE));
    expect(bytes.subarray(NONCE_LENGTH)).toEqual(Buffer.from(box));
    expect(bytes.length).toBe(24 + 16 + 'sk-proxy-secret'.length);
    expect(FIXED_VECTOR).toMatch(/^[A-Za-z0-9+/]+=*$/);
  });

  it('URL-safe base64, with or without padding, decrypts too', () => {
    expect(FIXED_VECTOR).toMatch(/[+/]/);
    const urlSafe = toUrlSafeWithoutPadding(FIXED_VECTOR);
    expect(decryptValue(urlSafe, key)).toBe('sk-proxy-secret');
    expect(decryptValue(`${urlSafe}==`, key)).toBe('sk-proxy-secret');
  });

  it('a value with one tampered byte does not decrypt', () => {
    const stored = encryptValue('sk-proxy-secret', key);
    expect(decryptValue(flipByte(stored, 3), key)).toBeUndefined(); // in the nonce
    expect(decryptValue(flipByte(stored, NONCE_LENGTH + 5), key)).toBeUndefined(); // in the authenticator
    expect(decryptValue(flipByte(stored, NONCE_LENGTH + 16 + 5), key)).toBeUndefined(); // in the ciphertext
  });

  it('a value does not decrypt with another key', () => {
    expect(decryptValue(encryptValue('sk-proxy-secret', key), deriveEncryptionKey('another key'))).toBeUndefined();
  });

  it.each([
    ['empty', ''],
    ['plaintext model name', 'azure/gpt-4o'],
    ['not base64', 'not base64 at all!'],
    ['impossible base64 length', 'abcde'],
    ['misplaced padding', 'ab=c'],
    ['too short to hold nonce and authenticator', Buffer.alloc(39).toString('base64')],
    ['random bytes of a plausible length', Buffer.from(nacl.randomBytes(64)).toString('base64')],
  ])('a value that is not ours (%s) is undefined, never an exception', (_case, stored) => {
    expect(decryptValue(stored, key)).toBeUndefined();
  });

  it('a box whose plaintext is not utf-8 is undefined', () => {
    const box = nacl.secretbox(Uint8Array.of(0xff, 0xfe), FIXED_NONCE, key);
    expect(decryptValue(Buffer.concat([FIXED_NONCE, box]).toString('base64'), key)).toBeUndefined();
  });
});

describe('encryptLitellmParams / decryptLitellmParams', () => {
  const params = { model: 'openai/gpt-4o', api_key: 'sk-live-123', max_tokens: 512, stream: true, extra: { a: 1 }, none: null };

  it('every string value is encrypted; numbers, booleans, objects and null are stored as they are', () => {
    const encrypted = encryptLitellmParams(params, key);
    expect(encrypted.model).not.toBe('openai/gpt-4o');
    expect(decryptValue(encrypted.model as string, key)).toBe('openai/gpt-4o');
    expect(decryptValue(encrypted.api_key as string, key)).toBe('sk-live-123');
    expect(encrypted).toMatchObject({ max_tokens: 512, stream: true, extra: { a: 1 }, none: null });
  });

  it('decrypting the encrypted params gives the params back', () => {
    expect(decryptLitellmParams(encryptLitellmParams(params, key), key)).toEqual(params);
  });

  it('a string that does not decrypt is kept as plaintext, as the proxy does', () => {
    const stored = { model: encryptValue('openai/gpt-4o', key), api_base: 'https://written.in.plaintext/v1' };
    expect(decryptLitellmParams(stored, key)).toEqual({ model: 'openai/gpt-4o', api_base: 'https://written.in.plaintext/v1' });
  });

  it('the input params are not mutated', () => {
    const input = { api_key: 'sk-live-123' };
    encryptLitellmParams(input, key);
    expect(input).toEqual({ api_key: 'sk-live-123' });
  });
});
