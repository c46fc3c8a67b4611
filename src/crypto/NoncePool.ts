// Random nonces drawn from the operating system's CSPRNG in blocks: a randomFillSync call per nonce costs a good part
// of an AES-GCM encryption itself; from a block it is a copy (bench/RESULTS.md, "Findings and history").
import { randomFillSync } from 'node:crypto';

/** Bytes drawn from the CSPRNG at a time: 256 AES-GCM nonces, or 128 NaCl ones. */
export const NONCE_POOL_BYTES = 3072;

export class NoncePool {
  private stock = new Uint8Array(0);
  private offset = 0;

  /** Fresh random bytes, each byte handed out once (and wiped from the pool). */
  take(length: number): Uint8Array {
    if (this.offset + length > this.stock.length) {
      this.stock = randomFillSync(new Uint8Array(Math.max(NONCE_POOL_BYTES, length)));
      this.offset = 0;
    }
    const nonce = this.stock.slice(this.offset, this.offset + length);
    this.stock.fill(0, this.offset, this.offset + length);
    this.offset += length;
    return nonce;
  }
}
