// What one stored string is, as far as the salt key goes: a ciphertext in one of the proxy's formats (and under
// which of the configured keys), a secret kept in clear, a harmless value in clear, or a ciphertext no key opens.
import type { AtRestCipher, AtRestFormat } from '../crypto/AtRestCipher';
import { V2_GCM_PREFIX, V3_GCM_PREFIX, decodeBase64 } from '../crypto/atRestFormats';
import { isSecretKey } from '../crypto/maskSecrets';

/** The shortest NaCl value the proxy writes: a 24-byte nonce and the 16-byte authenticator. */
export const NACL_MIN_BYTES = 40;

export type StoredValueClass =
  /**
   * Opens under the current or the previous salt key, or under the key a run writes with (`target`: already where
   * the run puts it, e.g. written by this very rotation). `plaintext` is for re-encryption only: never print it.
   */
  | { kind: 'encrypted'; format: AtRestFormat; key: 'current' | 'previous' | 'target'; plaintext: string }
  /** A secret-bearing key's value stored in clear. */
  | { kind: 'plaintext' }
  /** A value under a key that bears no secret, stored as it is (the proxy reads it so). */
  | { kind: 'clear' }
  /** Shaped like a ciphertext, yet it opens under neither key. */
  | { kind: 'undecryptable' };

/** `target`: the cipher a run writes with; a value it opens is counted as the run's own. */
export function classifyStoredValue(cipher: AtRestCipher, name: string, stored: string, target?: AtRestCipher): StoredValueClass {
  return withName(name, stored, open(cipher, stored, target));
}

/** Stored values met again (an audit snapshot repeats its model's values) are opened once. */
export const CLASSIFIER_MEMO_SIZE = 50_000;

/**
 * classifyStoredValue for one scan or run, remembering what each distinct stored string opened to: a ciphertext is
 * immutable (a fresh nonce on every write), and the audit trail repeats the same ones snapshot after snapshot.
 */
export class StoredValueClassifier {
  private readonly opened = new Map<string, Opened>();

  constructor(
    private readonly cipher: AtRestCipher,
    private readonly target?: AtRestCipher,
  ) {}

  classify(name: string, stored: string): StoredValueClass {
    let outcome = this.opened.get(stored);
    if (outcome === undefined) {
      outcome = open(this.cipher, stored, this.target);
      if (this.opened.size >= CLASSIFIER_MEMO_SIZE) this.opened.clear();
      this.opened.set(stored, outcome);
    }
    return withName(name, stored, outcome);
  }
}

/** What a stored string is before its key's name is looked at. */
type Opened = Extract<StoredValueClass, { kind: 'encrypted' }> | 'undecryptable' | 'not a ciphertext';

function open(cipher: AtRestCipher, stored: string, target: AtRestCipher | undefined): Opened {
  const rewritten = target?.decrypt(stored);
  if (rewritten?.key === 'current') return { kind: 'encrypted', format: rewritten.format, key: 'target', plaintext: rewritten.plaintext };
  const opened = cipher.decrypt(stored);
  if (opened) return { kind: 'encrypted', format: opened.format, key: opened.key, plaintext: opened.plaintext };
  return looksLikeCiphertext(stored) ? 'undecryptable' : 'not a ciphertext';
}

function withName(name: string, stored: string, outcome: Opened): StoredValueClass {
  if (outcome === 'undecryptable') return { kind: 'undecryptable' };
  if (outcome !== 'not a ciphertext') return outcome;
  // An empty string holds no secret: there is nothing to protect in it.
  return stored !== '' && isSecretKey(name) ? { kind: 'plaintext' } : { kind: 'clear' };
}

/**
 * A `vN:gcm:` prefix, or what a NaCl value looks like: padded base64 in one alphabet of at least NACL_MIN_BYTES
 * (the proxy always pads). A long plaintext in the base64 alphabet has that shape too; it is reported as
 * undecryptable, which only ever stops a rotation, never loses a value.
 */
export function looksLikeCiphertext(stored: string): boolean {
  if (stored.startsWith(V3_GCM_PREFIX) || stored.startsWith(V2_GCM_PREFIX)) return true;
  if (stored.length % 4 !== 0) return false;
  const standard = /[+/]/.test(stored);
  const urlSafe = /[-_]/.test(stored);
  if (standard && urlSafe) return false;
  const bytes = decodeBase64(stored);
  return bytes !== undefined && bytes.length >= NACL_MIN_BYTES;
}
