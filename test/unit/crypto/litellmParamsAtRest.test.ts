import { AtRestCipher } from '../../../src/crypto/AtRestCipher';
import { decryptLitellmParams, encryptLitellmParams } from '../../../src/crypto/litellmParamsAtRest';

const cipher = AtRestCipher.create({ saltKey: 'sk-test-salt-key', algorithm: 'aes-256-gcm' });
const params = { model: 'openai/gpt-4o', api_key: 'sk-live-123', max_tokens: 512, stream: true, extra: { a: 1 }, none: null };

describe('encryptLitellmParams / decryptLitellmParams', () => {
  it('encrypts every string value; numbers, booleans, objects and null are stored as they are', () => {
    const encrypted = encryptLitellmParams(params, cipher);
    expect(encrypted.model).toMatch(/^v3:gcm:/);
    expect(cipher.decrypt(encrypted.model as string)?.plaintext).toBe('openai/gpt-4o');
    expect(cipher.decrypt(encrypted.api_key as string)?.plaintext).toBe('sk-live-123');
    expect(encrypted).toMatchObject({ max_tokens: 512, stream: true, extra: { a: 1 }, none: null });
  });

  it('decrypting the encrypted params gives the params back', () => {
    expect(decryptLitellmParams(encryptLitellmParams(params, cipher), cipher)).toEqual(params);
  });

  it('keeps a string that does not decrypt as plaintext, as the proxy does', () => {
    const stored = { model: cipher.encrypt('openai/gpt-4o'), api_base: 'https://written.in.plaintext/v1' };
    expect(decryptLitellmParams(stored, cipher)).toEqual({ model: 'openai/gpt-4o', api_base: 'https://written.in.plaintext/v1' });
  });

  it('does not mutate its input, and keeps a "__proto__" key as data', () => {
    const input = JSON.parse('{"api_key": "sk-live-123", "__proto__": "x"}') as Record<string, unknown>;
    const encrypted = encryptLitellmParams(input, cipher);
    expect(input).toEqual(JSON.parse('{"api_key": "sk-live-123", "__proto__": "x"}'));
    expect(Object.getPrototypeOf(encrypted)).toBe(Object.prototype);
    expect(decryptLitellmParams(encrypted, cipher).__proto__).toBe('x');
  });
});
