// litellm_params as stored: every string value encrypted, numbers, booleans, objects and null as they are.
import type { AtRestCipher } from './AtRestCipher';

/** Encrypts every string value under the cipher's current salt key and algorithm. */
export function encryptLitellmParams(params: Record<string, unknown>, cipher: AtRestCipher): Record<string, unknown> {
  return mapStringValues(params, (value) => cipher.encrypt(value));
}

/** Decrypts every string value; one that opens under no format is plaintext and is kept, as the proxy does. */
export function decryptLitellmParams(params: Record<string, unknown>, cipher: AtRestCipher): Record<string, unknown> {
  return mapStringValues(params, (value) => cipher.decrypt(value)?.plaintext ?? value);
}

function mapStringValues(params: Record<string, unknown>, transform: (value: string) => string): Record<string, unknown> {
  // fromEntries defines own properties, so a "__proto__" key stays data instead of becoming a prototype.
  return Object.fromEntries(
    Object.entries(params).map(([name, value]) => [name, typeof value === 'string' ? transform(value) : value]),
  );
}
