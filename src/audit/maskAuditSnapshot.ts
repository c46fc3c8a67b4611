// Audit values are stored as the proxy stores them (ciphertext inside litellm_params) and masked on the way out.
import { maskEntry, setOwnProperty } from '../crypto/maskSecrets';
import { decodeJsonEncodedString } from '../database/types/LenientJsonType';
import { presentLitellmParams } from '../models/presentLitellmParams';
import type { PresentedValues } from '../models/PresentedValues';

/**
 * The snapshot as a client may see it: JSON columns the old proxy dumped as JSON text read as objects,
 * litellm_params decrypted, every secret-bearing value masked. litellm_params are presented as a model's
 * are (through the app's one PresentedValues memo): the same ciphertext appears in every entry of a model's history.
 */
export function maskAuditSnapshot(snapshot: Record<string, unknown> | null, presentedValues: PresentedValues): unknown {
  if (!snapshot) return null;
  const row: Record<string, unknown> = {};
  for (const column of Object.keys(snapshot)) {
    const value = decodeJsonEncodedString(snapshot[column]);
    setOwnProperty(row, column, column === 'litellm_params' && isJsonObject(value) ? presentLitellmParams(value, presentedValues, true) : maskEntry(column, value));
  }
  return row;
}

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
