// Reading and writing LiteLLM_AuditLog rows directly, for tests that check what the API wrote or that
// seed rows the way older proxies wrote them.
import { randomUUID } from 'node:crypto';
import { TABLES } from '../../src/database/tables';
import type { TestServer } from './testServer';

/** The fields of an AuditLog every audit test asks for. */
export const AUDIT_LOG_FIELDS = 'id action tableName objectId changedBy updatedAt beforeValue updatedValues';

export interface StoredAuditRow {
  id: string;
  action: string;
  table_name: string;
  object_id: string;
  changed_by: string;
  changed_by_api_key: string;
  before_value: unknown;
  updated_values: unknown;
  updated_at: Date;
}

type SqlRunner = Pick<TestServer, 'sql'>;

export function auditRowsOf(server: SqlRunner, objectId: string): Promise<StoredAuditRow[]> {
  return server.sql<StoredAuditRow>(`select * from "${TABLES.auditLog}" where object_id = ? order by updated_at, id`, [objectId]);
}

/** The row as Postgres holds it, keyed by column, timestamps as UTC ISO strings (as audit snapshots hold them). */
export async function storedRow(server: SqlRunner, table: string, keyColumn: string, key: string | number): Promise<Record<string, unknown> | undefined> {
  const [found] = await server.sql<{ row: Record<string, unknown> }>(`select to_jsonb(t) as row from "${table}" t where "${keyColumn}" = ?`, [key]);
  return found && withUtcTimestamps(found.row);
}

// to_jsonb writes timestamp(3) without time zone as local text with no zone; it holds UTC.
function withUtcTimestamps(row: Record<string, unknown>): Record<string, unknown> {
  const timestamp = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$/;
  return Object.fromEntries(
    Object.entries(row).map(([column, value]) => [column, typeof value === 'string' && timestamp.test(value) ? new Date(`${value}Z`).toISOString() : value]),
  );
}

export interface LegacyAuditRow {
  id?: string;
  action: string;
  tableName: string;
  objectId: string;
  changedBy?: string;
  changedByApiKey?: string;
  beforeValue?: Record<string, unknown> | null;
  updatedValues?: Record<string, unknown> | null;
  updatedAt?: Date;
}

/**
 * Inserts a row the way older proxies wrote it: before_value / updated_values as JSON-encoded strings
 * (a jsonb string holding JSON text), not as objects.
 */
export async function insertLegacyAuditRow(server: SqlRunner, row: LegacyAuditRow): Promise<string> {
  const id = row.id ?? randomUUID();
  const encoded = (value: Record<string, unknown> | null | undefined) => (value ? JSON.stringify(JSON.stringify(value)) : null);
  await server.sql(
    `insert into "${TABLES.auditLog}" (id, updated_at, changed_by, changed_by_api_key, action, table_name, object_id, before_value, updated_values)
     values (?, ?::timestamp, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb)`,
    [
      id,
      (row.updatedAt ?? new Date()).toISOString().replace('T', ' ').replace('Z', ''),
      row.changedBy ?? 'legacy-user',
      row.changedByApiKey ?? '',
      row.action,
      row.tableName,
      row.objectId,
      encoded(row.beforeValue),
      encoded(row.updatedValues),
    ],
  );
  return id;
}
