// litellmParams as a client sees them: decrypted, every secret masked (see PresentedValues for the memo).
import { maskEntry, setOwnProperty } from '../crypto/maskSecrets';
import type { JsonObject } from '../database/entities/columns';
import type { PresentedValues } from '../crypto/PresentedValues';

/** `encrypted` is false for config-file params, which are plaintext and only masked. */
export function presentLitellmParams(stored: JsonObject, presentedValues: PresentedValues, encrypted: boolean): JsonObject {
  const result: JsonObject = {};
  for (const name of Object.keys(stored)) {
    const value = stored[name];
    setOwnProperty(result, name, encrypted && typeof value === 'string' ? presentedValues.present(name, value) : maskEntry(name, value));
  }
  return result;
}
