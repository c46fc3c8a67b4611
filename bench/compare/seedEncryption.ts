// How the bench's seed stores each litellm_params string: as the current proxy writes it, `v3:gcm:` (SPEC
// "Secrets at rest"). src/crypto has no v3 writer yet; once it has, SEED_ENCRYPTION names it instead: one line.
import { createCipheriv, hkdfSync, randomBytes } from 'node:crypto';

/** Encrypts one string under the salt key (the master key when LITELLM_SALT_KEY is unset, as in the bench). */
export type SeedEncryption = (plaintext: string, saltKey: string) => string;

export const V3_GCM_PREFIX = 'v3:gcm:';
const V3_HKDF_INFO = 'litellm-at-rest-v3';
const GCM_NONCE_LENGTH = 12;

/** AES-256-GCM under HKDF-SHA256(salt key): "v3:gcm:" + base64url(nonce ‖ ciphertext ‖ tag), `=`-padded. */
export function encryptV3Gcm(plaintext: string, saltKey: string): string {
  const key = Buffer.from(hkdfSync('sha256', Buffer.from(saltKey, 'utf8'), Buffer.alloc(0), V3_HKDF_INFO, 32));
  const nonce = randomBytes(GCM_NONCE_LENGTH);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  const sealed = Buffer.concat([nonce, cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  const unpadded = sealed.toString('base64url');
  return V3_GCM_PREFIX + unpadded.padEnd(Math.ceil(unpadded.length / 4) * 4, '=');
}

export const SEED_ENCRYPTION: SeedEncryption = encryptV3Gcm;
