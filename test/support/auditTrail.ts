// Reading and writing LiteLLM_AuditLog rows directly, for tests that check what the API wrote or that
// seed rows the way older proxies wrote them.
import { randomUUID } from 'node:crypto';
import { TABLES } from '../../src/database/tables';
import type { SqlRunner } from './storedRows';

/** The fields of an AuditLog every audit test asks for. */
export const AUDIT_LOG_FIELDS = 'id action tableName objectId changedBy updatedAt beforeValue updatedValues';

export interface StoredAuditRow {
  id: string;
  action: string;
  table_name: string;
  object_id: string;
  changed_by: string;
  changed_by_api_key: string;
  /** Objects as this API writes them; older proxies wrote JSON-encoded strings. */
  before_value: Record<string, any> | null;
  updated_values: Record<string, any> | null;
  updated_at: Date;
}

/** Every audit row of `objectId` (of one `action`, when given), oldest first. */
export function auditRowsOf(server: SqlRunner, objectId: string, action?: string): Promise<StoredAuditRow[]> {
  return action
    ? server.sql<StoredAuditRow>(`select * from "${TABLES.auditLog}" where object_id = ? and action = ? order by updated_at, id`, [objectId, action])
    : server.sql<StoredAuditRow>(`select * from "${TABLES.auditLog}" where object_id = ? order by updated_at, id`, [objectId]);
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
