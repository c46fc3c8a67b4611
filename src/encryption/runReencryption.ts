// `migrate` and `rotate`: one transaction on behalf of the acting principal. A first pass locks every row of the
// covered places and classifies every value; a rotation that would strand a value refuses there, before anything is
// written. A second pass rewrites the covered places in order, models and credentials through the unit of work (an
// audit row each), the audit trail last, so the rows this run wrote there are rewritten too.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AuthenticatedPrincipal } from '../access/Principal';
import type { AtRestCipher } from '../crypto/AtRestCipher';
import { actingAs } from '../request/RequestScope';
import { StoredValueClassifier } from './classifyStoredValue';
import { UNREADABLE_DOCUMENT, withReplacedValues } from './documentValues';
import { EncryptionCommandError } from './EncryptionCommandError';
import { readEncryptionStatus, type EncryptionStatusReport } from './EncryptionStatusReport';
import { rewrittenValue, type ReencryptionMode, type ReencryptionPlan } from './ReencryptionMode';
import { locationName, type RewrittenRow, type SaltKeyLocation } from './SaltKeyLocation';
import { addressOf, classifyRow, locationRows, type LocationScan } from './scanLocations';

export interface ReencryptionOptions {
  mode: ReencryptionMode;
  /** Opens every stored value: the current salt key, and the previous one when set. */
  reader: AtRestCipher;
  /** Writes the rewritten ones: the current key in v3:gcm (migrate), or the new key (rotate). */
  writer: AtRestCipher;
  /** Who the audit rows name. */
  actor: AuthenticatedPrincipal;
  /** Report what would change; change nothing. */
  dryRun: boolean;
  /** A line of progress (no value in it), for stderr. */
  progress?: (line: string) => void;
  /** For tests of an interrupted run: wait this long once everything is written, before the commit. */
  pauseBeforeCommitMs?: number;
}

export interface RewrittenLocation {
  location: SaltKeyLocation;
  rows: number;
  values: number;
}

export interface ReencryptionReport {
  mode: ReencryptionMode;
  dryRun: boolean;
  /** The places as the first pass found them, before anything was written. */
  before: EncryptionStatusReport;
  /**
   * Per covered place present: what was rewritten (in a dry run, what would be). A real run's counts for the audit
   * snapshots include the audit rows it wrote itself.
   */
  rewritten: RewrittenLocation[];
  /** Audit rows written (in a dry run, to be written): one per model and credential rewritten. */
  auditRows: number;
}

export function runReencryption(em: EntityManager, options: ReencryptionOptions): Promise<ReencryptionReport> {
  const progress = options.progress ?? (() => undefined);
  const plan: ReencryptionPlan = { mode: options.mode, writer: options.writer };
  return actingAs(options.actor, () =>
    em.transactional(async (transaction) => {
      const before = await readEncryptionStatus(transaction, options.reader, {
        lock: !options.dryRun,
        plan,
        onLocation: (location, locked) => progress(`reading ${locationName(location)}${locked ? ' (locking its rows)' : ''}`),
      });
      if (options.mode === 'rotate') refuseWhatWouldStrand(before.locations);
      const covered = before.locations.filter((scan) => scan.present && scan.location.rewriter);
      if (options.dryRun) {
        const planned = covered.map((scan) => ({ location: scan.location, rows: scan.rowsToRewrite, values: scan.valuesToRewrite }));
        return { mode: options.mode, dryRun: true, before, rewritten: planned, auditRows: auditRowsOf(planned) };
      }
      const rewritten: RewrittenLocation[] = [];
      const classifier = new StoredValueClassifier(options.reader, options.writer);
      for (const scan of covered) rewritten.push(await rewriteLocation(transaction, scan.location, plan, classifier, progress));
      if (options.pauseBeforeCommitMs) {
        progress(`everything is written; pausing ${options.pauseBeforeCommitMs} ms before the commit`);
        await new Promise((resolve) => setTimeout(resolve, options.pauseBeforeCommitMs));
      }
      progress('committing');
      return { mode: options.mode, dryRun: false, before, rewritten, auditRows: auditRowsOf(rewritten) };
    }),
  );
}

function auditRowsOf(rewritten: readonly RewrittenLocation[]): number {
  return rewritten.reduce((sum, { location, rows }) => sum + (location.rewriter!.writesAuditRows ? rows : 0), 0);
}

/** A rotation goes ahead only when every value it must move opens under a configured key, and it covers every place holding one. */
function refuseWhatWouldStrand(scans: readonly LocationScan[]): void {
  const covered = scans.filter((scan) => scan.location.rewriter);
  const withUndecryptable = covered.filter((scan) => scan.counts.undecryptable > 0);
  if (withUndecryptable.length > 0) throw EncryptionCommandError.undecryptableValues(withUndecryptable);
  const withUnreadable = covered.filter((scan) => scan.unreadableRowCount > 0);
  if (withUnreadable.length > 0) throw EncryptionCommandError.unreadableRows(withUnreadable);
  // Values there that open under the old key would open under nothing once the proxy runs on the new one.
  const holdingElsewhere = scans.filter((scan) => !scan.location.rewriter && scan.counts.v3Gcm + scan.counts.v2Gcm + scan.counts.nacl > 0);
  if (holdingElsewhere.length > 0) throw EncryptionCommandError.uncoveredLocations(holdingElsewhere);
}

async function rewriteLocation(
  transaction: EntityManager,
  location: SaltKeyLocation,
  plan: ReencryptionPlan,
  classifier: StoredValueClassifier,
  progress: (line: string) => void,
): Promise<RewrittenLocation> {
  const result: RewrittenLocation = { location, rows: 0, values: 0 };
  for await (const page of locationRows(transaction, location, true)) {
    const rows: RewrittenRow[] = [];
    for (const row of page) {
      const values = classifyRow(location, row, classifier);
      // The first pass held these rows locked, so only a row inserted since can surprise a rotation here.
      if (values === UNREADABLE_DOCUMENT) {
        if (plan.mode === 'rotate') throw EncryptionCommandError.appearedDuringRun(addressOf(location, row.id), 'an unreadable row');
        continue;
      }
      const replacements: { path: readonly string[]; value: string }[] = [];
      for (const { selected, value } of values) {
        if (value.kind === 'undecryptable' && plan.mode === 'rotate') {
          throw EncryptionCommandError.appearedDuringRun(addressOf(location, row.id, selected), 'an undecryptable value');
        }
        const next = rewrittenValue(plan, selected.value, value);
        if (next !== undefined) replacements.push({ path: selected.path, value: next });
      }
      if (replacements.length === 0) continue;
      rows.push({ id: row.id, document: withReplacedValues(row.document, replacements) });
      result.values += replacements.length;
    }
    if (rows.length > 0) {
      await location.rewriter!.rewrite(transaction, location, rows);
      result.rows += rows.length;
      progress(`rewrote ${result.rows} row(s) of ${locationName(location)}`);
    }
  }
  return result;
}
