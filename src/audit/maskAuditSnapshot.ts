// Audit values are stored as the proxy stores them (ciphertext inside litellm_params) and masked on the way out.
import { maskEntry, setOwnProperty } from '../crypto/maskSecrets';
import { decodeJsonEncodedString } from '../database/types/LenientJsonType';
import { presentLitellmParams } from '../models/presentLitellmParams';

/**
 * The snapshot as a client may see it: JSON columns the old proxy dumped as JSON text read as objects,
 * litellm_params decrypted, every secret-bearing value masked. litellm_params are presented as a model's
 * are (and share its memo): the same ciphertext appears in every entry of a model's history.
 */
export function maskAuditSnapshot(snapshot: Record<string, unknown> | null, encryptionKey: Uint8Array): unknown {
  if (!snapshot) return null;
  const row: Record<string, unknown> = {};
  for (const column of Object.keys(snapshot)) {
    const value = decodeJsonEncodedString(snapshot[column]);
    setOwnProperty(row, column, column === 'litellm_params' && isJsonObject(value) ? presentLitellmParams(value, encryptionKey, true) : maskEntry(column, value));
  }
  return row;
}

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
