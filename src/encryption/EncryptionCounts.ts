// How many values of a place are stored how: the numbers `status` and `encryptionStatus` report, never a value.
import type { StoredValueClass } from './classifyStoredValue';

export interface EncryptionCounts {
  /** AES-256-GCM with an HKDF key: what current proxies write. */
  v3Gcm: number;
  /** AES-256-GCM with a sha256 key: read only. */
  v2Gcm: number;
  /** NaCl secretbox, either base64 alphabet: what older proxies write. */
  nacl: number;
  /** Secret-bearing keys stored in clear. */
  plaintext: number;
  /** Shaped like a ciphertext, opening under no configured key. */
  undecryptable: number;
  /** Values of keys that bear no secret, stored as they are. */
  clear: number;
  /** Of the v3Gcm, v2Gcm and nacl ones: those that open only under LITELLM_SALT_KEY_PREVIOUS. */
  previousKey: number;
}

export function emptyCounts(): EncryptionCounts {
  return { v3Gcm: 0, v2Gcm: 0, nacl: 0, plaintext: 0, undecryptable: 0, clear: 0, previousKey: 0 };
}

const FORMAT_COUNTS = { 'v3:gcm': 'v3Gcm', 'v2:gcm': 'v2Gcm', nacl: 'nacl' } as const;

export function countValue(counts: EncryptionCounts, value: StoredValueClass): void {
  if (value.kind === 'encrypted') {
    counts[FORMAT_COUNTS[value.format]] += 1;
    if (value.key === 'previous') counts.previousKey += 1;
  } else {
    counts[value.kind] += 1;
  }
}

export function addCounts(total: EncryptionCounts, more: EncryptionCounts): void {
  for (const name of Object.keys(total) as (keyof EncryptionCounts)[]) total[name] += more[name];
}
