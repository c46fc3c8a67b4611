// Why an encryption command did nothing: bad arguments, missing settings, or a refusal that protects stored values.
// Messages name settings, places, row ids and keys, never a value or a key.
import { locationName, type StoredValueAddress } from './SaltKeyLocation';
import type { LocationScan } from './scanLocations';

export type EncryptionCommandErrorCode =
  | 'USAGE'
  | 'SETTING'
  | 'NEW_KEY_MISSING'
  | 'SAME_KEY'
  | 'LEGACY_ALGORITHM'
  | 'UNDECRYPTABLE_VALUES'
  | 'UNREADABLE_ROWS'
  | 'UNCOVERED_LOCATIONS'
  | 'FAILED';

/** Addresses printed in a refusal's message; the JSON output lists them all (up to MAX_LISTED_ADDRESSES a place). */
export const ADDRESSES_IN_MESSAGE = 20;

export class EncryptionCommandError extends Error {
  override name = 'EncryptionCommandError';

  constructor(
    readonly code: EncryptionCommandErrorCode,
    message: string,
    /** The values or rows that caused a refusal. */
    readonly addresses: readonly StoredValueAddress[] = [],
    /** The places that caused a refusal, as `table.column`. */
    readonly locations: readonly string[] = [],
  ) {
    super(message);
  }

  /** A usage problem; never echoes an argument's value, which could be a key typed on the command line. */
  static usage(problem: string): EncryptionCommandError {
    return new EncryptionCommandError('USAGE', `${problem}\n${USAGE}`);
  }

  static setting(name: string, problem: string): EncryptionCommandError {
    return new EncryptionCommandError('SETTING', `${name}: ${problem}`);
  }

  static newKeyMissing(variable: string): EncryptionCommandError {
    return new EncryptionCommandError('NEW_KEY_MISSING', `the variable ${variable} named by --new-key-env is not set or empty; put the new salt key in it`);
  }

  static sameKey(which: 'LITELLM_SALT_KEY' | 'LITELLM_SALT_KEY_PREVIOUS'): EncryptionCommandError {
    return new EncryptionCommandError('SAME_KEY', `the new salt key equals the one in ${which}: a rotation needs a different key; nothing was changed`);
  }

  static legacyAlgorithm(setting: string): EncryptionCommandError {
    return new EncryptionCommandError(
      'LEGACY_ALGORITHM',
      `${setting} is xsalsa20-poly1305: a proxy that needs NaCl values shares this database, and migrate writes v3:gcm, which it cannot read. ` +
        'Set it to aes-256-gcm once every proxy on this database reads AES-GCM (the proxy and this API alike); nothing was changed',
    );
  }

  static undecryptableValues(scans: readonly LocationScan[]): EncryptionCommandError {
    const addresses = scans.flatMap((scan) => scan.undecryptable);
    const total = scans.reduce((sum, scan) => sum + scan.counts.undecryptable, 0);
    return new EncryptionCommandError(
      'UNDECRYPTABLE_VALUES',
      `${total} value(s) open under neither LITELLM_SALT_KEY nor LITELLM_SALT_KEY_PREVIOUS, so a rotation would strand them; nothing was changed. ` +
        `Set the key they were written under as LITELLM_SALT_KEY_PREVIOUS, or save them again (a model through updateModel), or remove them:\n${listed(addresses, total)}`,
      addresses,
    );
  }

  static unreadableRows(scans: readonly LocationScan[]): EncryptionCommandError {
    const addresses = scans.flatMap((scan) => scan.unreadableRows);
    const total = scans.reduce((sum, scan) => sum + scan.unreadableRowCount, 0);
    return new EncryptionCommandError(
      'UNREADABLE_ROWS',
      `${total} row(s) hold a column that is not a JSON object, so its salt-key values cannot be found; nothing was changed. Repair them first:\n${listed(addresses, total)}`,
      addresses,
    );
  }

  /** A row written by someone else after the first pass (which locked every row it read) holds what a rotation refuses. */
  static appearedDuringRun(address: StoredValueAddress, what: string): EncryptionCommandError {
    return new EncryptionCommandError(
      address.key ? 'UNDECRYPTABLE_VALUES' : 'UNREADABLE_ROWS',
      `${what} was written while the rotation ran; it rolled back and nothing was changed. Run it again:\n${listed([address], 1)}`,
      [address],
    );
  }

  static uncoveredLocations(scans: readonly LocationScan[]): EncryptionCommandError {
    const locations = scans.map((scan) => locationName(scan.location) + (scan.location.rows ? ` (${scan.location.rows.description})` : ''));
    return new EncryptionCommandError(
      'UNCOVERED_LOCATIONS',
      `these places hold values under the salt key that this command does not rewrite, so a rotation would strand them; nothing was changed:\n${locations.map((name) => `  ${name}`).join('\n')}\n` +
        "Rotate with the proxy's own tooling, or clear those settings first (see the README, Encryption lifecycle).",
      [],
      locations,
    );
  }
}

export const USAGE = `usage: npm run encryption -- <command> [options]
  status                     how the salt-key values are stored, per table and column
  migrate [--dry-run]        re-encrypt NaCl, v2:gcm and plaintext secrets as v3:gcm under the same salt key
  rotate --new-key-env NAME [--dry-run]
                             re-encrypt everything under the new salt key held in the variable NAME
options: --json (one JSON document on stdout), --dry-run (report what would change, change nothing)`;

function listed(addresses: readonly StoredValueAddress[], total: number): string {
  const lines = addresses.slice(0, ADDRESSES_IN_MESSAGE).map((address) => `  ${address.table}.${address.column} row ${JSON.stringify(address.rowId)}${address.key ? ` key ${address.key}` : ''}`);
  if (total > lines.length) lines.push(`  … and ${total - lines.length} more (--json lists them)`);
  return lines.join('\n');
}
