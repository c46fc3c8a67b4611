// How the bench's seed stores each litellm_params string: as the current proxy writes it, `v3:gcm:` (SPEC "Secrets
// at rest"), through the product's own AtRestCipher, whose output test/unit/crypto checks byte for byte against the
// proxy's own libraries.
import { AtRestCipher } from '../../src/crypto/AtRestCipher';

/** Encrypts one string under the salt key (the master key when LITELLM_SALT_KEY is unset, as in the bench). */
export type SeedEncryption = (plaintext: string, saltKey: string) => string;

const ciphers = new Map<string, AtRestCipher>();

export const SEED_ENCRYPTION: SeedEncryption = (plaintext, saltKey) => {
  let cipher = ciphers.get(saltKey);
  if (!cipher) ciphers.set(saltKey, (cipher = AtRestCipher.create({ saltKey, algorithm: 'aes-256-gcm' })));
  return cipher.encrypt(plaintext);
};
