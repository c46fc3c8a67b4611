// The proxy's at-rest formats, one key at a time: AES-256-GCM behind a "vN:gcm:" prefix, and NaCl secretbox.
// Sealing may throw on a programming error (a nonce of the wrong length); opening never throws.
import { createCipheriv, createDecipheriv } from 'node:crypto';
import nacl from 'tweetnacl';

export const V3_GCM_PREFIX = 'v3:gcm:';
export const V2_GCM_PREFIX = 'v2:gcm:';
export const GCM_NONCE_LENGTH = 12;
const GCM_TAG_LENGTH = 16;
export const NACL_NONCE_LENGTH = nacl.secretbox.nonceLength;
/** The proxy refuses a NaCl value shorter than its nonce and the 16-byte authenticator. */
const NACL_MIN_LENGTH = NACL_NONCE_LENGTH + nacl.secretbox.overheadLength;

/** Standard or URL-safe base64 (either alphabet, as the proxy's decoder accepts), padded or not. */
const BASE64_ANY_ALPHABET = /^[A-Za-z0-9+/_-]*$/;

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/** prefix + base64url(nonce ‖ ciphertext ‖ tag) with `=` padding: Python's urlsafe_b64decode refuses it unpadded. */
export function sealGcm(prefix: string, key: Uint8Array, nonce: Uint8Array, plaintext: string): string {
  if (nonce.length !== GCM_NONCE_LENGTH) throw new RangeError(`an AES-GCM nonce is ${GCM_NONCE_LENGTH} bytes, not ${nonce.length}`);
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: GCM_TAG_LENGTH });
  const sealed = Buffer.concat([nonce, cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  const encoded = sealed.toString('base64url');
  return prefix + encoded + '='.repeat((4 - (encoded.length % 4)) % 4);
}

/** The plaintext of a decoded GCM payload (nonce ‖ ciphertext ‖ tag) under key, or undefined. */
export function openGcm(bytes: Uint8Array, key: Uint8Array): string | undefined {
  if (bytes.length < GCM_NONCE_LENGTH + GCM_TAG_LENGTH) return undefined;
  const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, GCM_NONCE_LENGTH), { authTagLength: GCM_TAG_LENGTH });
  decipher.setAuthTag(bytes.subarray(bytes.length - GCM_TAG_LENGTH));
  const ciphertext = bytes.subarray(GCM_NONCE_LENGTH, bytes.length - GCM_TAG_LENGTH);
  try {
    return STRICT_UTF8.decode(Buffer.concat([decipher.update(ciphertext), decipher.final()]));
  } catch {
    return undefined; // the tag does not match (another key, or tampered), or the plaintext is not UTF-8
  }
}

/** base64(nonce ‖ secretbox(utf8(plaintext))), standard alphabet, as older proxies write it. */
export function sealNacl(key: Uint8Array, nonce: Uint8Array, plaintext: string): string {
  if (nonce.length !== NACL_NONCE_LENGTH) throw new RangeError(`a NaCl nonce is ${NACL_NONCE_LENGTH} bytes, not ${nonce.length}`);
  const box = nacl.secretbox(Buffer.from(plaintext, 'utf8'), nonce, key);
  return Buffer.concat([nonce, box]).toString('base64');
}

/** The plaintext of decoded NaCl bytes under key, or undefined. */
export function openNacl(bytes: Uint8Array, key: Uint8Array): string | undefined {
  // Also covers a value that decodes to no bytes at all ("", "*"), which the proxy reads as "not a ciphertext".
  if (bytes.length < NACL_MIN_LENGTH) return undefined;
  const opened = nacl.secretbox.open(bytes.subarray(NACL_NONCE_LENGTH), bytes.subarray(0, NACL_NONCE_LENGTH), key);
  if (opened === null) return undefined;
  try {
    return STRICT_UTF8.decode(opened);
  } catch {
    return undefined;
  }
}

// Buffer.from(…, 'base64') silently skips characters it does not know, so the alphabet is checked first.
export function decodeBase64(text: string): Buffer | undefined {
  const unpadded = text.replace(/={1,2}$/, '');
  if (!BASE64_ANY_ALPHABET.test(unpadded) || unpadded.length % 4 === 1) return undefined;
  if (unpadded.length !== text.length && text.length % 4 !== 0) return undefined;
  return Buffer.from(unpadded, 'base64'); // Node's base64 decoder reads both alphabets
}
