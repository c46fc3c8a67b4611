// Writes rewritten rows of a table this API does not map (the proxy's config rows, the audit trail's snapshots) with
// one UPDATE per page, in the caller's transaction.
import type { EntityManager } from '@mikro-orm/postgresql';
import { readRows } from '../database/readRows';
import { sql, table, trusted } from '../database/sql';
import { decodeStoredJson } from '../database/types/storedJson';
import type { RewrittenRow, RowRewriter, SaltKeyLocation } from './SaltKeyLocation';

export class JsonColumnRewriter implements RowRewriter {
  readonly writesAuditRows = false;

  /**
   * `object`: a document stored as JSON text is written back as the object it holds (a live config row the proxy
   * reads as a dict). `as stored`: the document keeps its shape (history, as it was written).
   */
  constructor(private readonly shape: 'object' | 'as stored') {}

  async rewrite(em: EntityManager, location: SaltKeyLocation, rows: readonly RewrittenRow[]): Promise<void> {
    if (rows.length === 0) return;
    const ids = rows.map((row) => row.id);
    const documents = rows.map((row) => JSON.stringify(this.shape === 'object' ? decodeStoredJson(row.document) : row.document));
    const column = trusted(`"${location.column}"`);
    const idColumn = trusted(`"${location.idColumn}"`);
    await readRows(
      em,
      sql`UPDATE ${table(location.table)} AS stored SET ${column} = rewritten.document::jsonb
          FROM unnest(${ids}::text[], ${documents}::text[]) AS rewritten(id, document)
          WHERE stored.${idColumn} = rewritten.id`,
    );
  }
}
