// Audit values are stored as the proxy stores them (ciphertext inside litellm_params) and masked on the way out.
import { maskSecrets } from '../crypto/maskSecrets';
import { decryptLitellmParams } from '../crypto/secretBox';
import { decodeJsonEncodedString } from '../database/types/LenientJsonType';

export function maskAuditSnapshot(snapshot: Record<string, unknown> | null, encryptionKey: Uint8Array): unknown {
  if (!snapshot) return null;
  const params = decodeJsonEncodedString(snapshot.litellm_params);
  if (typeof params !== 'object' || params === null || Array.isArray(params)) return maskSecrets(snapshot);
  return maskSecrets({ ...snapshot, litellm_params: decryptLitellmParams(params as Record<string, unknown>, encryptionKey) });
}
