// What each run makes of a stored value: `migrate` brings every value to v3:gcm under the current salt key (finishing
// a rotation for values still under the previous one), `rotate` writes every value under the new salt key.
import type { AtRestCipher, AtRestFormat } from '../crypto/AtRestCipher';
import type { StoredValueClass } from './classifyStoredValue';

export type ReencryptionMode = 'migrate' | 'rotate';

export interface ReencryptionPlan {
  mode: ReencryptionMode;
  /** Writes the rewritten values: the current key in v3:gcm (migrate), the new key in the configured algorithm (rotate). */
  writer: AtRestCipher;
}

export function writtenFormat(writer: AtRestCipher): AtRestFormat {
  return writer.algorithm === 'aes-256-gcm' ? 'v3:gcm' : 'nacl';
}

/** Whether the run rewrites a value of this class. Values in clear under keys that bear no secret stay as they are. */
export function needsRewrite(plan: ReencryptionPlan, value: StoredValueClass): boolean {
  if (value.kind === 'plaintext') return true;
  if (value.kind !== 'encrypted') return false;
  if (value.key === 'target') return value.format !== writtenFormat(plan.writer);
  return plan.mode === 'rotate' || value.format !== 'v3:gcm' || value.key === 'previous';
}

/** The value's new stored form, or undefined when the run leaves it alone. */
export function rewrittenValue(plan: ReencryptionPlan, stored: string, value: StoredValueClass): string | undefined {
  if (!needsRewrite(plan, value)) return undefined;
  return plan.writer.encrypt(value.kind === 'encrypted' ? value.plaintext : stored);
}
