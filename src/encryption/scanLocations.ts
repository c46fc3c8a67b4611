// Reads the places of saltKeyLocations page by page and classifies every salt-key value in them: the counts of
// `status`, and the first pass of a run (under a row lock, so nothing it counted changes before it writes).
import type { EntityManager } from '@mikro-orm/postgresql';
import { readRows } from '../database/readRows';
import { sql, table, trusted, where, type SqlFragment } from '../database/sql';
import type { StoredValueClass, StoredValueClassifier } from './classifyStoredValue';
import { UNREADABLE_DOCUMENT, type SelectedValue } from './documentValues';
import { countValue, emptyCounts, type EncryptionCounts } from './EncryptionCounts';
import { needsRewrite, type ReencryptionPlan } from './ReencryptionMode';
import type { SaltKeyLocation, StoredValueAddress } from './SaltKeyLocation';

/** Rows read at a time: a bound on memory, whatever the size of the audit trail. */
export const LOCATION_PAGE_SIZE = 500;

/** Addresses kept per place and kind (undecryptable values, unreadable rows): the counts stay exact beyond it. */
export const MAX_LISTED_ADDRESSES = 1000;

export interface LocationRow {
  id: string;
  document: unknown;
}

export interface ClassifiedValue {
  selected: SelectedValue;
  value: StoredValueClass;
}

export interface LocationScan {
  location: SaltKeyLocation;
  /** The table and column exist in this database (older proxies lack some). */
  present: boolean;
  /** Rows read (those the place's condition selects). */
  rows: number;
  counts: EncryptionCounts;
  /** Values that open under no configured key, up to MAX_LISTED_ADDRESSES. */
  undecryptable: StoredValueAddress[];
  /** Rows whose column is not the JSON object the place holds, so no value of it can be found. */
  unreadableRowCount: number;
  unreadableRows: StoredValueAddress[];
  /** With a plan: the rows and values the run rewrites. */
  rowsToRewrite: number;
  valuesToRewrite: number;
}

export interface ScanOptions {
  /** Lock every row read (FOR UPDATE), inside the caller's transaction. */
  lock: boolean;
  /** Count what this run would rewrite (the classifier opens values under its writer as already rewritten). */
  plan?: ReencryptionPlan;
}

/** The columns of these tables that exist here, by table. */
export async function presentColumns(em: EntityManager, tables: readonly string[]): Promise<Map<string, Set<string>>> {
  const rows = await readRows<{ table_name: string; column_name: string }>(
    em,
    sql`SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ANY(${[...new Set(tables)]}::text[])`,
  );
  const columns = new Map<string, Set<string>>();
  for (const row of rows) {
    if (!columns.has(row.table_name)) columns.set(row.table_name, new Set());
    columns.get(row.table_name)!.add(row.column_name);
  }
  return columns;
}

export function isPresent(location: SaltKeyLocation, columns: Map<string, Set<string>>): boolean {
  const present = columns.get(location.table);
  return !!present?.has(location.column) && present.has(location.idColumn);
}

/** Every row of the place, a page at a time, in key order. */
export async function* locationRows(em: EntityManager, location: SaltKeyLocation, lock: boolean): AsyncGenerator<LocationRow[]> {
  let after: string | undefined;
  for (;;) {
    const page = await readLocationPage(em, location, after, lock);
    if (page.length === 0) return;
    yield page;
    if (page.length < LOCATION_PAGE_SIZE) return;
    after = page[page.length - 1].id;
  }
}

async function readLocationPage(em: EntityManager, location: SaltKeyLocation, after: string | undefined, lock: boolean): Promise<LocationRow[]> {
  const id = trusted(`"${location.idColumn}"`);
  const conditions: SqlFragment[] = [];
  if (location.rows) conditions.push(location.rows.condition);
  if (after !== undefined) conditions.push(sql`${id} > ${after}`);
  return readRows<LocationRow>(
    em,
    sql`SELECT ${id} AS id, ${trusted(`"${location.column}"`)} AS document FROM ${table(location.table)} ${where(conditions)}
        ORDER BY ${id} LIMIT ${LOCATION_PAGE_SIZE}${trusted(lock ? ' FOR UPDATE' : '')}`,
  );
}

/** The salt-key values of one row's document, each classified; UNREADABLE_DOCUMENT when the document is not what the place holds. */
export function classifyRow(location: SaltKeyLocation, row: LocationRow, classifier: StoredValueClassifier): ClassifiedValue[] | typeof UNREADABLE_DOCUMENT {
  const selected = location.selector(row.document);
  if (selected === UNREADABLE_DOCUMENT) return selected;
  return selected.map((value) => ({ selected: value, value: classifier.classify(value.name, value.value) }));
}

export function addressOf(location: SaltKeyLocation, rowId: string, selected?: SelectedValue): StoredValueAddress {
  return { table: location.table, column: location.column, rowId, key: selected ? selected.path.join('.') : '' };
}

export async function scanLocation(em: EntityManager, location: SaltKeyLocation, present: boolean, classifier: StoredValueClassifier, options: ScanOptions): Promise<LocationScan> {
  const scan: LocationScan = {
    location,
    present,
    rows: 0,
    counts: emptyCounts(),
    undecryptable: [],
    unreadableRowCount: 0,
    unreadableRows: [],
    rowsToRewrite: 0,
    valuesToRewrite: 0,
  };
  if (!present) return scan;
  for await (const page of locationRows(em, location, options.lock)) {
    for (const row of page) {
      scan.rows += 1;
      const values = classifyRow(location, row, classifier);
      if (values === UNREADABLE_DOCUMENT) {
        scan.unreadableRowCount += 1;
        if (scan.unreadableRows.length < MAX_LISTED_ADDRESSES) scan.unreadableRows.push(addressOf(location, row.id));
        continue;
      }
      let rewrites = 0;
      for (const { selected, value } of values) {
        countValue(scan.counts, value);
        if (value.kind === 'undecryptable' && scan.undecryptable.length < MAX_LISTED_ADDRESSES) scan.undecryptable.push(addressOf(location, row.id, selected));
        if (options.plan && needsRewrite(options.plan, value)) rewrites += 1;
      }
      scan.valuesToRewrite += rewrites;
      if (rewrites > 0) scan.rowsToRewrite += 1;
    }
  }
  return scan;
}
