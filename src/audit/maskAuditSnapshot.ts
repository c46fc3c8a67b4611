// Audit values are stored as the proxy stores them (ciphertext inside litellm_params) and masked on the way out.
import { maskEntry, setOwnProperty } from '../crypto/maskSecrets';
import { JSON_COLUMN_NAMES } from '../database/entities/columns';
import { decodeStoredJson, isJsonObject, storedJsonObject, UNDECODABLE } from '../database/types/storedJson';
import { presentLitellmParams } from '../models/presentLitellmParams';

/**
 * The snapshot as a client may see it: JSON columns the old proxy dumped as JSON text read as objects,
 * litellm_params decrypted, every secret-bearing value masked. litellm_params are presented as a model's
 * are (and share its memo): the same ciphertext appears in every entry of a model's history.
 */
export function maskAuditSnapshot(stored: unknown, encryptionKey: Uint8Array): unknown {
  const snapshot = storedJsonObject(stored);
  if (snapshot === undefined || snapshot === UNDECODABLE) return null;
  const row: Record<string, unknown> = {};
  for (const column of Object.keys(snapshot)) {
    const stored = snapshot[column];
    // A JSON column's text that is not JSON could be anything, a secret included: never shown.
    const decoded = JSON_COLUMN_NAMES.has(column) ? decodeStoredJson(stored) : stored;
    const value = decoded === UNDECODABLE ? null : decoded;
    setOwnProperty(row, column, column === 'litellm_params' && isJsonObject(value) ? presentLitellmParams(value, encryptionKey, true) : maskEntry(column, value));
  }
  return row;
}

