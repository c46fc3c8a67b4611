// One place where the proxy stores values encrypted with its salt key: a column of a table (some of its rows), the
// rule saying which strings of it are salt-key values, and, for the places `migrate` and `rotate` cover, how a
// rewritten row is written back.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { SqlFragment } from '../database/sql';
import type { ValueSelector } from './documentValues';

export interface SaltKeyLocation {
  table: string;
  column: string;
  /** The table's key column, which names a row in every report. */
  idColumn: string;
  /** Only some rows hold these values: which ones, in words and as a condition of ours (never input). */
  rows?: { description: string; condition: SqlFragment };
  /** Which strings of the column's document are salt-key values. */
  selector: ValueSelector;
  /** What the proxy keeps there, in a few words (reports and README). */
  holds: string;
  /** How `migrate` and `rotate` write a rewritten row; absent where they do not go, so a rotation refuses while such a place holds salt-key values. */
  rewriter?: RowRewriter;
}

/** A row's column as a run rewrites it. */
export interface RewrittenRow {
  id: string;
  document: unknown;
}

export interface RowRewriter {
  /** Each rewritten row gets an audit row (written by the unit of work). */
  readonly writesAuditRows: boolean;
  /** Writes the rows (already locked by the caller's transaction) in `em`'s transaction, on behalf of the acting principal. */
  rewrite(em: EntityManager, location: SaltKeyLocation, rows: readonly RewrittenRow[]): Promise<void>;
}

/** Where one stored value is: no value, ever, only its address. */
export interface StoredValueAddress {
  table: string;
  column: string;
  rowId: string;
  /** Its key inside the column's document (`api_key`, `litellm_params.api_key`); empty for the whole column. */
  key: string;
}

export function locationName(location: SaltKeyLocation): string {
  return `${location.table}.${location.column}`;
}
