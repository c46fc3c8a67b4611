// At-rest encryption of litellm_params values, byte-compatible with the LiteLLM proxy beside this API:
// writes in the proxy's configured algorithm, reads every format it ever wrote, under the current or previous salt key.
import { createHash, hkdfSync } from 'node:crypto';
import { GCM_NONCE_LENGTH, NACL_NONCE_LENGTH, V2_GCM_PREFIX, V3_GCM_PREFIX, decodeBase64, openGcm, openNacl, sealGcm, sealNacl } from './atRestFormats';
import { NoncePool } from './NoncePool';

export type AtRestFormat = 'v3:gcm' | 'v2:gcm' | 'nacl';

/** The values of the proxy's `general_settings.encryption_algorithm`: aes-256-gcm writes v3:gcm, xsalsa20-poly1305 NaCl. */
export type EncryptionAlgorithm = 'aes-256-gcm' | 'xsalsa20-poly1305';
export const ENCRYPTION_ALGORITHMS: readonly EncryptionAlgorithm[] = ['aes-256-gcm', 'xsalsa20-poly1305'];
/** The current proxy's default. */
export const DEFAULT_ENCRYPTION_ALGORITHM: EncryptionAlgorithm = 'aes-256-gcm';

/** HKDF info of v3:gcm keys. */
const V3_HKDF_INFO = 'litellm-at-rest-v3';

/** The algorithm a setting names, compared without case as the proxy does; undefined for anything else. */
export function parseEncryptionAlgorithm(value: string): EncryptionAlgorithm | undefined {
  const lower = value.toLowerCase();
  return ENCRYPTION_ALGORITHMS.find((algorithm) => algorithm === lower);
}

export interface DecryptedValue {
  plaintext: string;
  format: AtRestFormat;
  /** Which salt key opened it: 'previous' means it was written before a key rotation. */
  key: 'current' | 'previous';
}

export interface AtRestCipherOptions {
  /** LITELLM_SALT_KEY, else the master key: every value is written under it. */
  saltKey: string;
  /** LITELLM_SALT_KEY_PREVIOUS: read, never written, so values from before a rotation still open. */
  previousSaltKey?: string;
  /** The algorithm of new writes (the proxy's general_settings.encryption_algorithm). */
  algorithm: EncryptionAlgorithm;
}

/** What one salt key derives, worked out once. */
interface SaltKeyKeys {
  /** HKDF-SHA256(salt key, no salt, info "litellm-at-rest-v3"): v3:gcm. */
  hkdf: Uint8Array;
  /** sha256(salt key): NaCl and v2:gcm. */
  sha256: Uint8Array;
}

export class AtRestCipher {
  private readonly nonces = new NoncePool();

  private constructor(
    readonly algorithm: EncryptionAlgorithm,
    private readonly current: SaltKeyKeys,
    private readonly previous: SaltKeyKeys | undefined,
  ) {}

  static create(options: AtRestCipherOptions): AtRestCipher {
    const previous = options.previousSaltKey === undefined ? undefined : deriveKeys(options.previousSaltKey);
    return new AtRestCipher(options.algorithm, deriveKeys(options.saltKey), previous);
  }

  /** Whether reads also try a previous salt key (LITELLM_SALT_KEY_PREVIOUS). */
  get readsPreviousKey(): boolean {
    return this.previous !== undefined;
  }

  /**
   * The stored form of plaintext under the current salt key, in this cipher's algorithm. `nonce` is for
   * tests of byte-exact vectors only (12 bytes for aes-256-gcm, 24 for xsalsa20-poly1305); by default
   * every value gets a fresh random one.
   */
  encrypt(plaintext: string, nonce?: Uint8Array): string {
    if (this.algorithm === 'aes-256-gcm') {
      return sealGcm(V3_GCM_PREFIX, this.current.hkdf, nonce ?? this.nonces.take(GCM_NONCE_LENGTH), plaintext);
    }
    return sealNacl(this.current.sha256, nonce ?? this.nonces.take(NACL_NONCE_LENGTH), plaintext);
  }

  /** The plaintext of a stored value, its format and key; undefined when it opens under none (plaintext). Never throws. */
  decrypt(stored: string): DecryptedValue | undefined {
    // The prefix tells the formats apart: a colon never occurs in base64.
    if (stored.startsWith(V3_GCM_PREFIX)) return this.open('v3:gcm', stored.slice(V3_GCM_PREFIX.length), (bytes, keys) => openGcm(bytes, keys.hkdf));
    if (stored.startsWith(V2_GCM_PREFIX)) return this.open('v2:gcm', stored.slice(V2_GCM_PREFIX.length), (bytes, keys) => openGcm(bytes, keys.sha256));
    return this.open('nacl', stored, (bytes, keys) => openNacl(bytes, keys.sha256));
  }

  /** Decodes the base64 once, then opens it under the current salt key, else the previous one. */
  private open(format: AtRestFormat, base64: string, openWith: (bytes: Uint8Array, keys: SaltKeyKeys) => string | undefined): DecryptedValue | undefined {
    const bytes = decodeBase64(base64);
    if (bytes === undefined) return undefined;
    const underCurrent = openWith(bytes, this.current);
    if (underCurrent !== undefined) return { plaintext: underCurrent, format, key: 'current' };
    const underPrevious = this.previous && openWith(bytes, this.previous);
    return underPrevious === undefined ? undefined : { plaintext: underPrevious, format, key: 'previous' };
  }
}

function deriveKeys(saltKey: string): SaltKeyKeys {
  const ikm = Buffer.from(saltKey, 'utf8');
  return {
    hkdf: new Uint8Array(hkdfSync('sha256', ikm, Buffer.alloc(0), V3_HKDF_INFO, 32)),
    sha256: new Uint8Array(createHash('sha256').update(ikm).digest()),
  };
}
