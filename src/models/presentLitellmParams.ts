// litellmParams as a client sees them: decrypted, every secret masked. Decryption (tweetnacl, pure JS) was
// the largest cost of a page of models, and a stored value is immutable ciphertext (a fresh random nonce
// on every write), so what each one presents as is memoised by parameter name and ciphertext. The memo holds
// only what a client may see anyway: masked secrets, never a plaintext one.
import { maskEntry, setOwnProperty } from '../crypto/maskSecrets';
import { decryptValue } from '../crypto/secretBox';
import type { JsonObject } from '../database/entities/columns';

export const PRESENTED_VALUE_MEMO_SIZE = 20_000;

/** What each ciphertext presents as, by parameter name, then by the ciphertext itself (no joined key string per value). */
interface Memo {
  byName: Map<string, Map<string, unknown>>;
  size: number;
}

/** One memo per encryption key: the same ciphertext presents differently under another. */
const memos = new WeakMap<Uint8Array, Memo>();

export function presentLitellmParams(stored: JsonObject, encryptionKey: Uint8Array, encrypted: boolean): JsonObject {
  const result: JsonObject = {};
  for (const name of Object.keys(stored)) {
    const value = stored[name];
    setOwnProperty(result, name, encrypted && typeof value === 'string' ? presentEncrypted(name, value, encryptionKey) : maskEntry(name, value));
  }
  return result;
}

function presentEncrypted(name: string, ciphertext: string, encryptionKey: Uint8Array): unknown {
  let memo = memos.get(encryptionKey);
  if (!memo) memos.set(encryptionKey, (memo = { byName: new Map(), size: 0 }));
  const known = memo.byName.get(name);
  if (known?.has(ciphertext)) return known.get(ciphertext);
  // A value that does not decrypt is plaintext written by someone else (the proxy does the same).
  const value = maskEntry(name, decryptValue(ciphertext, encryptionKey) ?? ciphertext);
  if (memo.size >= PRESENTED_VALUE_MEMO_SIZE) {
    memo.byName.clear();
    memo.size = 0;
  }
  let presented = memo.byName.get(name);
  if (!presented) memo.byName.set(name, (presented = new Map()));
  presented.set(ciphertext, value);
  memo.size += 1;
  return value;
}
