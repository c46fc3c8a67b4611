// At-rest encryption of litellm_params values, byte-compatible with the LiteLLM proxy (NaCl secretbox).
import { createHash, randomFillSync } from 'node:crypto';
import nacl from 'tweetnacl';

/** Nonce length of XSalsa20-Poly1305: the first bytes of every stored value. */
export const NONCE_LENGTH = nacl.secretbox.nonceLength;

/** The smallest stored value that can decrypt: a nonce plus the 16-byte authenticator. */
const MIN_STORED_LENGTH = NONCE_LENGTH + nacl.secretbox.overheadLength;

/** Standard or URL-safe base64, padded or not. */
const BASE64_ANY_ALPHABET = /^[A-Za-z0-9+/_-]*$/;

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/** The proxy's key: sha256 of LITELLM_SALT_KEY (or the master key), as 32 raw bytes. */
export function deriveEncryptionKey(saltOrMasterKey: string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(saltOrMasterKey, 'utf8').digest());
}

/** Nonces drawn from the operating system's CSPRNG this many at a time (as crypto.randomUUID does). */
const NONCES_PER_DRAW = 128;
let nonceStock = new Uint8Array(0);
let nonceStockOffset = 0;

/**
 * A fresh random nonce. Asking the CSPRNG for 24 bytes at a time (nacl.randomBytes) was the largest cost of
 * encrypting a value; the bytes are drawn in larger blocks and every byte is handed out once.
 */
export function randomNonce(): Uint8Array {
  if (nonceStockOffset + NONCE_LENGTH > nonceStock.length) {
    nonceStock = randomFillSync(new Uint8Array(NONCES_PER_DRAW * NONCE_LENGTH));
    nonceStockOffset = 0;
  }
  const nonce = nonceStock.slice(nonceStockOffset, nonceStockOffset + NONCE_LENGTH);
  nonceStock.fill(0, nonceStockOffset, nonceStockOffset + NONCE_LENGTH);
  nonceStockOffset += NONCE_LENGTH;
  return nonce;
}

/** base64(nonce ‖ secretbox(utf8(plaintext))), standard alphabet, as the proxy writes it. */
export function encryptValue(plaintext: string, key: Uint8Array, nonce: Uint8Array = randomNonce()): string {
  const box = nacl.secretbox(Buffer.from(plaintext, 'utf8'), nonce, key);
  return Buffer.concat([nonce, box]).toString('base64');
}

/** The plaintext of a stored value, or undefined when it is not one of ours (never throws). */
export function decryptValue(stored: string, key: Uint8Array): string | undefined {
  const bytes = decodeBase64Strictly(stored);
  if (bytes === undefined || bytes.length < MIN_STORED_LENGTH) return undefined;
  const opened = nacl.secretbox.open(bytes.subarray(NONCE_LENGTH), bytes.subarray(0, NONCE_LENGTH), key);
  if (opened === null) return undefined;
  try {
    return STRICT_UTF8.decode(opened);
  } catch {
    return undefined;
  }
}

/** Encrypts every string value; numbers, booleans, objects and null are stored as they are. */
export function encryptLitellmParams(params: Record<string, unknown>, key: Uint8Array): Record<string, unknown> {
  return mapStringValues(params, (value) => encryptValue(value, key));
}

/** Decrypts every string value; one that does not decrypt is plaintext and is kept, as the proxy does. */
export function decryptLitellmParams(params: Record<string, unknown>, key: Uint8Array): Record<string, unknown> {
  return mapStringValues(params, (value) => decryptValue(value, key) ?? value);
}

function mapStringValues(params: Record<string, unknown>, transform: (value: string) => string): Record<string, unknown> {
  // fromEntries defines own properties, so a "__proto__" key stays data instead of becoming a prototype.
  return Object.fromEntries(
    Object.entries(params).map(([name, value]) => [name, typeof value === 'string' ? transform(value) : value]),
  );
}

// Buffer.from(…, 'base64') silently skips characters it does not know, so the alphabet is checked first.
function decodeBase64Strictly(text: string): Buffer | undefined {
  const unpadded = text.replace(/={1,2}$/, '');
  if (!BASE64_ANY_ALPHABET.test(unpadded) || unpadded.length % 4 === 1) return undefined;
  if (unpadded.length !== text.length && text.length % 4 !== 0) return undefined;
  return Buffer.from(unpadded.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}
