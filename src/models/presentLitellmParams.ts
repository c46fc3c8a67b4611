// litellmParams as a client sees them: decrypted, every secret masked. Decryption (tweetnacl, pure JS) was
// the largest cost of a page of models, and a stored value is immutable ciphertext (a fresh random nonce
// on every write), so what each one presents as is memoised by parameter name and ciphertext. The memo holds
// only what a client may see anyway: masked secrets, never a plaintext one.
import { maskEntry, setOwnProperty } from '../crypto/maskSecrets';
import { decryptValue } from '../crypto/secretBox';
import type { JsonObject } from '../database/entities/columns';

export const PRESENTED_VALUE_MEMO_SIZE = 20_000;

/** One memo per encryption key: the same ciphertext presents differently under another key. */
const memos = new WeakMap<Uint8Array, Map<string, unknown>>();

export function presentLitellmParams(stored: JsonObject, encryptionKey: Uint8Array, encrypted: boolean): JsonObject {
  const result: JsonObject = {};
  for (const name of Object.keys(stored)) {
    const value = stored[name];
    setOwnProperty(result, name, encrypted && typeof value === 'string' ? presentEncrypted(name, value, encryptionKey) : maskEntry(name, value));
  }
  return result;
}

function presentEncrypted(name: string, ciphertext: string, encryptionKey: Uint8Array): unknown {
  let presented = memos.get(encryptionKey);
  if (!presented) memos.set(encryptionKey, (presented = new Map()));
  const memoKey = `${name}\u0000${ciphertext}`;
  if (presented.has(memoKey)) return presented.get(memoKey);
  // A value that does not decrypt is plaintext written by someone else (the proxy does the same).
  const value = maskEntry(name, decryptValue(ciphertext, encryptionKey) ?? ciphertext);
  if (presented.size >= PRESENTED_VALUE_MEMO_SIZE) presented.clear();
  presented.set(memoKey, value);
  return value;
}
