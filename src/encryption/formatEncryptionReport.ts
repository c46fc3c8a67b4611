// What `npm run encryption` prints: readable text, or with --json one JSON document. Counts, places, row ids and
// key names only: no value, no ciphertext, no key.
import type { EncryptionCommandError } from './EncryptionCommandError';
import { encryptionStatusNode } from './encryption.type';
import type { EncryptionCounts } from './EncryptionCounts';
import type { EncryptionStatusReport } from './EncryptionStatusReport';
import type { ReencryptionReport } from './runReencryption';
import { locationName, type SaltKeyLocation, type StoredValueAddress } from './SaltKeyLocation';
import { MAX_LISTED_ADDRESSES, type LocationScan } from './scanLocations';

/** Which salt key the command read with, in words. */
export interface KeyContext {
  saltKeySource: 'LITELLM_SALT_KEY' | 'LITELLM_MASTER_KEY';
}

/** Addresses printed per list in the text output; --json carries up to MAX_LISTED_ADDRESSES a place. */
export const ADDRESSES_IN_TEXT = 50;

const COLUMNS: [string, (counts: EncryptionCounts) => number][] = [
  ['v3:gcm', (counts) => counts.v3Gcm],
  ['v2:gcm', (counts) => counts.v2Gcm],
  ['NaCl', (counts) => counts.nacl],
  ['plaintext', (counts) => counts.plaintext],
  ['undecryptable', (counts) => counts.undecryptable],
  ['previous key', (counts) => counts.previousKey],
  ['clear', (counts) => counts.clear],
];

export function statusJson(report: EncryptionStatusReport, keys: KeyContext) {
  return { ok: true, command: 'status', saltKey: keys.saltKeySource, ...encryptionStatusNode(report) };
}

export function runJson(report: ReencryptionReport, keys: KeyContext, remainingSteps?: string[]) {
  return {
    ok: true,
    command: report.mode,
    dryRun: report.dryRun,
    saltKey: keys.saltKeySource,
    auditRows: report.auditRows,
    rewritten: report.rewritten.map(({ location, rows, values }) => ({ table: location.table, column: location.column, rowsWhere: location.rows?.description ?? null, rows, values })),
    skipped: skippedValues(report.before),
    before: encryptionStatusNode(report.before),
    ...(remainingSteps ? { remainingSteps } : {}),
  };
}

export function errorJson(command: string | undefined, error: EncryptionCommandError) {
  return { ok: false, command: command ?? null, error: { code: error.code, message: error.message, addresses: error.addresses, locations: error.locations } };
}

export function statusText(report: EncryptionStatusReport, keys: KeyContext): string {
  const lines = [keyLine(report, keys), ''];
  const present = report.locations.filter((scan) => scan.present);
  const covered = present.filter((scan) => scan.location.rewriter);
  const uncovered = present.filter((scan) => !scan.location.rewriter);
  lines.push('Rewritten by migrate and rotate:', ...countsTable(covered));
  if (uncovered.length > 0) lines.push('', 'Not rewritten by them (a rotation refuses while one holds values under the salt key):', ...countsTable(uncovered));
  const absent = report.locations.filter((scan) => !scan.present);
  if (absent.length > 0) lines.push('', `Not in this database: ${[...new Set(absent.map((scan) => locationName(scan.location)))].join(', ')}`);
  lines.push('', `Values that still need the previous key: ${report.totals.previousKey}`);
  lines.push(...addressList('Undecryptable values', present.flatMap((scan) => scan.undecryptable), report.totals.undecryptable));
  const unreadable = present.reduce((sum, scan) => sum + scan.unreadableRowCount, 0);
  lines.push(...addressList('Rows that are not a JSON object', present.flatMap((scan) => scan.unreadableRows), unreadable));
  return `${lines.join('\n')}\n`;
}

export function runText(report: ReencryptionReport, keys: KeyContext, remainingSteps?: string[]): string {
  const verb = report.dryRun ? 'would rewrite' : 'rewrote';
  const lines = [keyLine(report.before, keys), ''];
  lines.push(`${report.mode}${report.dryRun ? ' (dry run: nothing was changed)' : ''}:`);
  for (const { location, rows, values } of report.rewritten) lines.push(`  ${label(location)}: ${verb} ${values} value(s) in ${rows} row(s)`);
  if (report.rewritten.length === 0) lines.push('  none of the places it covers is in this database');
  lines.push(`  ${report.dryRun ? 'would write' : 'wrote'} ${report.auditRows} audit row(s), one per model and credential rewritten${report.dryRun ? ' (their snapshots are rewritten too, on top of the counts above)' : ''}`);
  const skipped = skippedValues(report.before);
  if (skipped.undecryptable > 0) {
    lines.push(...addressList('Left as they are, since no configured key opens them', report.before.locations.flatMap((scan) => (scan.location.rewriter ? scan.undecryptable : [])), skipped.undecryptable));
  }
  if (skipped.unreadableRows > 0) lines.push(`  ${skipped.unreadableRows} row(s) that are not a JSON object were left as they are`);
  if (remainingSteps) lines.push('', 'What remains to be done:', ...remainingSteps.map((step) => `  ${step}`));
  return `${lines.join('\n')}\n`;
}

/** In the places a run covers: what it leaves alone because it cannot read it. */
function skippedValues(report: EncryptionStatusReport): { undecryptable: number; unreadableRows: number } {
  const covered = report.locations.filter((scan) => scan.present && scan.location.rewriter);
  return {
    undecryptable: covered.reduce((sum, scan) => sum + scan.counts.undecryptable, 0),
    unreadableRows: covered.reduce((sum, scan) => sum + scan.unreadableRowCount, 0),
  };
}

function keyLine(report: EncryptionStatusReport, keys: KeyContext): string {
  const salt = keys.saltKeySource === 'LITELLM_SALT_KEY' ? 'LITELLM_SALT_KEY' : 'the master key (LITELLM_SALT_KEY is not set)';
  return `Salt key: ${salt}; previous key (LITELLM_SALT_KEY_PREVIOUS): ${report.previousKeyConfigured ? 'set' : 'not set'}`;
}

function label(location: SaltKeyLocation): string {
  return `${locationName(location)}${location.rows ? ` (${location.rows.description})` : ''}`;
}

function countsTable(scans: readonly LocationScan[]): string[] {
  if (scans.length === 0) return ['  (none in this database)'];
  const header = ['place', 'rows', ...COLUMNS.map(([name]) => name)];
  const rows = scans.map((scan) => [label(scan.location), String(scan.rows), ...COLUMNS.map(([, count]) => String(count(scan.counts)))]);
  const widths = header.map((name, index) => Math.max(name.length, ...rows.map((row) => row[index].length)));
  const line = (cells: string[]) => `  ${cells.map((cell, index) => (index === 0 ? cell.padEnd(widths[index]) : cell.padStart(widths[index]))).join('  ')}`;
  return [line(header), ...rows.map(line)];
}

function addressList(title: string, addresses: readonly StoredValueAddress[], total: number): string[] {
  if (total === 0) return [];
  const lines = ['', `${title} (${total}):`];
  const shown = addresses.slice(0, ADDRESSES_IN_TEXT);
  for (const address of shown) lines.push(`  ${address.table}.${address.column} row ${JSON.stringify(address.rowId)}${address.key ? ` key ${address.key}` : ''}`);
  if (total > shown.length) lines.push(`  … and ${total - shown.length} more (--json lists up to ${MAX_LISTED_ADDRESSES} a place)`);
  return lines;
}
