// What each stored litellm_params string presents as to a client: decrypted, then masked when secret.
// Decryption was the largest cost of a page of models, and a stored value is immutable ciphertext (a fresh
// random nonce on every write), so the result is memoised by parameter name and stored value. The memo holds
// only what a client may see anyway: masked secrets, never a plaintext one. One instance per app, beside its
// cipher: the same ciphertext presents differently under another salt key.
import type { AtRestCipher } from './AtRestCipher';
import { maskEntry } from './maskSecrets';

/** Values remembered before the memo starts over (a bound on memory, not a tuning knob). */
export const PRESENTED_VALUE_MEMO_SIZE = 20_000;

export class PresentedValues {
  /** By parameter name, then by the stored value itself (no joined key string per value). */
  private readonly byName = new Map<string, Map<string, unknown>>();
  private size = 0;

  constructor(
    private readonly cipher: AtRestCipher,
    private readonly capacity = PRESENTED_VALUE_MEMO_SIZE,
  ) {}

  /** The value as a client sees it; one that does not decrypt is plaintext written by someone else (the proxy does the same). */
  present(name: string, stored: string): unknown {
    const known = this.byName.get(name);
    if (known?.has(stored)) return known.get(stored);
    const value = maskEntry(name, this.cipher.decrypt(stored)?.plaintext ?? stored);
    if (this.size >= this.capacity) {
      this.byName.clear();
      this.size = 0;
    }
    let presented = this.byName.get(name);
    if (!presented) this.byName.set(name, (presented = new Map()));
    presented.set(stored, value);
    this.size += 1;
    return value;
  }
}
