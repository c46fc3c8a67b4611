// Audit values are stored as the proxy stores them (ciphertext inside litellm_params) and masked on the way out.
import type { PresentedValues } from '../crypto/PresentedValues';
import { maskEntry, setOwnProperty } from '../crypto/maskSecrets';
import { JSON_COLUMN_NAMES } from '../database/entities/columns';
import { decodeStoredJson, isJsonObject, storedJsonObject, UNDECODABLE } from '../database/types/storedJson';
import { presentLitellmParams } from '../models/presentLitellmParams';

/**
 * The snapshot as a client may see it: JSON columns the old proxy dumped as JSON text read as objects,
 * litellm_params decrypted, every secret-bearing value masked. litellm_params are presented as a model's
 * are (through the app's one PresentedValues memo): the same ciphertext appears in every entry of a model's history.
 */
export function maskAuditSnapshot(stored: unknown, presentedValues: PresentedValues): unknown {
  const snapshot = storedJsonObject(stored);
  if (snapshot === undefined || snapshot === UNDECODABLE) return null;
  const row: Record<string, unknown> = {};
  for (const column of Object.keys(snapshot)) {
    const storedValue = snapshot[column];
    // A JSON column's text that is not JSON could be anything, a secret included: never shown.
    const decoded = JSON_COLUMN_NAMES.has(column) ? decodeStoredJson(storedValue) : storedValue;
    const value = decoded === UNDECODABLE ? null : decoded;
    setOwnProperty(row, column, column === 'litellm_params' && isJsonObject(value) ? presentLitellmParams(value, presentedValues, true) : maskEntry(column, value));
  }
  return row;
}
