// Audit values are stored as the proxy stores them (ciphertext inside litellm_params) and masked on the way out.
import { maskSecrets } from '../crypto/maskSecrets';
import { decryptLitellmParams } from '../crypto/secretBox';
import { decodeJsonEncodedString } from '../database/types/LenientJsonType';

/**
 * The snapshot as a client may see it: JSON columns the old proxy dumped as JSON text read as objects,
 * litellm_params decrypted, then every secret-bearing value masked.
 */
export function maskAuditSnapshot(snapshot: Record<string, unknown> | null, encryptionKey: Uint8Array): unknown {
  if (!snapshot) return null;
  const row = Object.fromEntries(Object.entries(snapshot).map(([column, value]) => [column, decodeJsonEncodedString(value)]));
  if (isJsonObject(row.litellm_params)) row.litellm_params = decryptLitellmParams(row.litellm_params, encryptionKey);
  return maskSecrets(row);
}

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
