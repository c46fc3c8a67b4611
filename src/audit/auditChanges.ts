// What an audit entry changed, leaf by leaf: every key added, removed or changed between before_value and
// updated_values, at any depth of the JSON columns. Values are compared as plaintext (a re-encrypted secret that
// is the same is no change; a changed one is, however alike the masks) and shown masked, exactly as beforeValue
// and updatedValues show them.
import { isDeepStrictEqual } from 'node:util';
import type { AtRestCipher } from '../crypto/AtRestCipher';
import { decryptLitellmParams } from '../crypto/litellmParamsAtRest';
import type { PresentedValues } from '../crypto/PresentedValues';
import { JSON_COLUMN_NAMES } from '../database/entities/columns';
import { decodeStoredJson, isJsonObject, storedJsonObject, UNDECODABLE, type JsonObject } from '../database/types/storedJson';
import { maskAuditSnapshot } from './maskAuditSnapshot';

export enum AuditChangeKind {
  ADDED = 'ADDED',
  REMOVED = 'REMOVED',
  CHANGED = 'CHANGED',
}

export interface AuditChange {
  /** The column, then the keys down to the leaf. */
  path: string[];
  /** Masked; null when the key was absent (or null). */
  before: unknown;
  after: unknown;
  kind: AuditChangeKind;
}

/** Columns every change touches, left out of `changes` unless asked for. */
export const AUDIT_BOOKKEEPING_COLUMNS: ReadonlySet<string> = new Set(['created_at', 'updated_at', 'created_by', 'updated_by']);

/** JSON columns whose top-level strings are stored encrypted (crypto/litellmParamsAtRest). */
const ENCRYPTED_JSON_COLUMNS: ReadonlySet<string> = new Set(['litellm_params', 'credential_values']);

export interface AuditChangeOptions {
  cipher: AtRestCipher;
  presentedValues: PresentedValues;
  /** Also the timestamps and created_by / updated_by. */
  includeBookkeeping: boolean;
}

/** The leaves that differ between two stored snapshots (either may be null: a creation, a deletion). */
export function auditChanges(storedBefore: unknown, storedAfter: unknown, options: AuditChangeOptions): AuditChange[] {
  const changes: AuditChange[] = [];
  const plainBefore = plaintextSnapshot(storedBefore, options.cipher);
  const plainAfter = plaintextSnapshot(storedAfter, options.cipher);
  const maskedBefore = maskAuditSnapshot(storedBefore, options.presentedValues) as JsonObject | null;
  const maskedAfter = maskAuditSnapshot(storedAfter, options.presentedValues) as JsonObject | null;
  for (const column of unionOfKeys(plainBefore, plainAfter)) {
    if (!options.includeBookkeeping && AUDIT_BOOKKEEPING_COLUMNS.has(column)) continue;
    collectChanges([column], own(plainBefore, column), own(plainAfter, column), own(maskedBefore, column), own(maskedAfter, column), changes);
  }
  return changes;
}

/** The snapshot as it reads decrypted: JSON text decoded, encrypted strings opened. Never leaves this file. */
function plaintextSnapshot(stored: unknown, cipher: AtRestCipher): JsonObject | undefined {
  const snapshot = storedJsonObject(stored);
  if (snapshot === undefined || snapshot === UNDECODABLE) return undefined;
  const row: JsonObject = {};
  for (const column of Object.keys(snapshot)) {
    const storedValue = snapshot[column];
    let value = JSON_COLUMN_NAMES.has(column) ? decodeStoredJson(storedValue) : storedValue;
    // Text that is not JSON compares as the text it is (it shows as null, as in beforeValue / updatedValues).
    if (value === UNDECODABLE) value = storedValue;
    else if (ENCRYPTED_JSON_COLUMNS.has(column) && isJsonObject(value)) value = decryptLitellmParams(value, cipher);
    Object.defineProperty(row, column, { value, enumerable: true, writable: true, configurable: true });
  }
  return row;
}

/**
 * Descends while both sides are objects (in plaintext and as masked: a secret holding an object masks to text, so it
 * is one leaf), and reports each differing leaf with its masked values.
 */
function collectChanges(path: string[], plainBefore: unknown, plainAfter: unknown, maskedBefore: unknown, maskedAfter: unknown, changes: AuditChange[]): void {
  if (isDeepStrictEqual(plainBefore ?? null, plainAfter ?? null)) return;
  const descends = (plain: unknown, masked: unknown) => plain == null || (isJsonObject(plain) && isJsonObject(masked));
  if (descends(plainBefore, maskedBefore) && descends(plainAfter, maskedAfter) && (isJsonObject(plainBefore) || isJsonObject(plainAfter))) {
    const found = changes.length;
    for (const key of unionOfKeys(plainBefore as JsonObject | undefined, plainAfter as JsonObject | undefined)) {
      collectChanges([...path, key], own(plainBefore, key), own(plainAfter, key), own(maskedBefore, key), own(maskedAfter, key), changes);
    }
    // An empty object against none has no leaves: it is reported where it is.
    if (changes.length > found) return;
  }
  const kind = plainBefore == null ? AuditChangeKind.ADDED : plainAfter == null ? AuditChangeKind.REMOVED : AuditChangeKind.CHANGED;
  changes.push({ path, before: maskedBefore ?? null, after: maskedAfter ?? null, kind });
}

function unionOfKeys(before: JsonObject | null | undefined, after: JsonObject | null | undefined): string[] {
  return [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])];
}

/** An own property only: a "__proto__" key absent on one side must not read as Object.prototype. */
function own(object: unknown, key: string): unknown {
  return isJsonObject(object) && Object.hasOwn(object, key) ? object[key] : undefined;
}
