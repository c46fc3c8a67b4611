// All of the audit trail's read SQL: newest first, keyset-paginated on (updated_at, id) so a page costs the same at
// row 100,000 as at row 100, within the caller's scope. Entries are written by AuditSubscriber only.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { TeamScope } from '../access/TeamScope';
import { readRows } from '../database/readRows';
import { sql, table, trusted, utcTimestampLiteral, where, type SqlFragment } from '../database/sql';
import { OWN_TABLES, TABLES } from '../database/tables';
import { readUtcTimestamp } from '../database/utcTimestamps';
import { auditVisibilityCondition, MODEL_AUDIT_ENTRY } from './auditVisibility';

/** An audit row as stored: snapshots as the driver reads them (objects, or the strings older proxies wrote). */
export interface StoredAuditEntry {
  id: string;
  action: string;
  tableName: string;
  objectId: string;
  changedBy: string;
  /** sha256 of the key used. */
  changedByApiKey: string;
  beforeValue: unknown;
  updatedValues: unknown;
  updatedAt: Date;
}

/** What `auditLogs` may filter on, besides the caller's scope; timestamps already checked to be storable. */
export interface StoredAuditFilter {
  /** One entry by its id (auditLogAdded reads each new entry through the filter it was subscribed with). */
  id?: string;
  objectId?: string;
  action?: string;
  /** Only entries whose action is none of these. */
  actionNotIn?: readonly string[];
  /** LiteLLM_ProxyModelTable also matches the model entries older proxies wrote under LiteLLM_ModelTable. */
  tableName?: string;
  changedBy?: string;
  since?: Date;
  until?: Date;
}

export interface StoredAuditPosition {
  updatedAt: Date;
  id: string;
}

interface StoredAuditRow {
  id: string;
  action: string;
  table_name: string;
  object_id: string;
  changed_by: string;
  changed_by_api_key: string;
  before_value: unknown;
  updated_values: unknown;
  updated_at: unknown;
}

const AUDIT_LOG = table(TABLES.auditLog);
const RESTORES = table(OWN_TABLES.restores);
/**
 * The columns of StoredAuditRow, named: `*` would change its meaning when the proxy's migration adds a column, and
 * PostgreSQL refuses to run a prepared statement whose result changed shape (readRows.ts prepares these).
 */
const AUDIT_COLUMN_NAMES = ['id', 'action', 'table_name', 'object_id', 'changed_by', 'changed_by_api_key', 'before_value', 'updated_values', 'updated_at'] as const satisfies readonly (keyof StoredAuditRow)[];
const AUDIT_COLUMNS = trusted(AUDIT_COLUMN_NAMES.join(', '));
const QUALIFIED_AUDIT_COLUMNS = trusted(AUDIT_COLUMN_NAMES.map((column) => `"${TABLES.auditLog}".${column}`).join(', '));

export class AuditLogRepository {
  constructor(private readonly em: EntityManager) {}

  /** Up to `limit` entries within `scope`, newest first, older than `before`. */
  async page(scope: TeamScope, filter: StoredAuditFilter, before: StoredAuditPosition | undefined, limit: number): Promise<StoredAuditEntry[]> {
    const conditions = this.conditions(scope, filter);
    if (before) conditions.push(sql`(updated_at, id) < (${utcTimestampLiteral(before.updatedAt)}::timestamp, ${before.id})`);
    const rows = await readRows<StoredAuditRow>(this.em, sql`SELECT ${AUDIT_COLUMNS} FROM ${AUDIT_LOG} ${where(conditions)} ORDER BY updated_at DESC, id DESC LIMIT ${limit}`);
    return rows.map(storedAuditEntryOf);
  }

  async count(scope: TeamScope, filter: StoredAuditFilter): Promise<number> {
    const [{ count }] = await readRows<{ count: string }>(this.em, sql`SELECT count(*) AS count FROM ${AUDIT_LOG} ${where(this.conditions(scope, filter))}`);
    return Number(count);
  }

  async findById(scope: TeamScope, id: string): Promise<StoredAuditEntry | null> {
    const [row] = await readRows<StoredAuditRow>(this.em, sql`SELECT ${AUDIT_COLUMNS} FROM ${AUDIT_LOG} ${where([sql`id = ${id}`, ...this.conditions(scope, {})])}`);
    return row ? storedAuditEntryOf(row) : null;
  }

  /** The newest `limit` entries of each model within `scope`, in one statement for any number of models. */
  async latestOfModels(scope: TeamScope, modelIds: readonly string[], limit: number): Promise<StoredAuditEntry[][]> {
    const conditions = [sql`object_id = ANY(${[...modelIds]}::text[])`, MODEL_AUDIT_ENTRY, ...this.conditions(scope, {})];
    const rows = await readRows<StoredAuditRow>(
      this.em,
      sql`SELECT ${AUDIT_COLUMNS} FROM (
            SELECT ${AUDIT_COLUMNS}, row_number() OVER (PARTITION BY object_id ORDER BY updated_at DESC, id DESC) AS position
            FROM ${AUDIT_LOG} ${where(conditions)}
          ) ranked WHERE position <= ${limit} ORDER BY updated_at DESC, id DESC`,
    );
    const byModel = new Map<string, StoredAuditEntry[]>(modelIds.map((id) => [id, []]));
    for (const row of rows) byModel.get(row.object_id)?.push(storedAuditEntryOf(row));
    return modelIds.map((id) => byModel.get(id) ?? []);
  }

  /** Up to `limit` `deleted` entries within `scope` that are their model's newest entry and whose model is gone, newest first. */
  async deletedModelsPage(scope: TeamScope, before: StoredAuditPosition | undefined, limit: number): Promise<StoredAuditEntry[]> {
    const conditions = this.deletedModelConditions(scope);
    if (before) conditions.push(sql`(updated_at, id) < (${utcTimestampLiteral(before.updatedAt)}::timestamp, ${before.id})`);
    const rows = await readRows<StoredAuditRow>(this.em, sql`SELECT ${AUDIT_COLUMNS} FROM ${AUDIT_LOG} ${where(conditions)} ORDER BY updated_at DESC, id DESC LIMIT ${limit}`);
    return rows.map(storedAuditEntryOf);
  }

  async deletedModelsCount(scope: TeamScope): Promise<number> {
    const [{ count }] = await readRows<{ count: string }>(this.em, sql`SELECT count(*) AS count FROM ${AUDIT_LOG} ${where(this.deletedModelConditions(scope))}`);
    return Number(count);
  }

  /** For each entry id, the entry the restore that wrote it put back (our restores table), within `scope`; null otherwise. */
  async restoredFrom(scope: TeamScope, auditLogIds: readonly string[]): Promise<(StoredAuditEntry | null)[]> {
    // The audit columns, unqualified in the scope's conditions, are the joined entry's: the restores table has none of them.
    const conditions = [sql`restore.audit_log_id = ANY(${[...auditLogIds]}::text[])`, ...this.conditions(scope, {})];
    const rows = await readRows<StoredAuditRow & { restore_id: string }>(
      this.em,
      sql`SELECT restore.audit_log_id AS restore_id, ${QUALIFIED_AUDIT_COLUMNS} FROM ${RESTORES} restore
          JOIN ${AUDIT_LOG} ON ${AUDIT_LOG}.id = restore.restored_from_audit_log_id ${where(conditions)}`,
    );
    const byId = new Map(rows.map((row) => [row.restore_id, storedAuditEntryOf(row)]));
    return auditLogIds.map((id) => byId.get(id) ?? null);
  }

  /** A model's newest entry is `deleted` (no later one, under either table name) and no row holds its id now. */
  private deletedModelConditions(scope: TeamScope): SqlFragment[] {
    return [
      sql`action = 'deleted'`,
      MODEL_AUDIT_ENTRY,
      ...this.conditions(scope, {}),
      // Unqualified columns inside are the later entry's, the nearest table that has them.
      sql`NOT EXISTS (SELECT 1 FROM ${AUDIT_LOG} later WHERE later.object_id = ${AUDIT_LOG}.object_id
            AND (later.updated_at, later.id) > (${AUDIT_LOG}.updated_at, ${AUDIT_LOG}.id) AND ${MODEL_AUDIT_ENTRY})`,
      sql`NOT EXISTS (SELECT 1 FROM ${table(TABLES.proxyModel)} model WHERE model.model_id = ${AUDIT_LOG}.object_id)`,
    ];
  }

  private conditions(scope: TeamScope, filter: StoredAuditFilter): SqlFragment[] {
    const conditions: SqlFragment[] = [];
    const visibility = auditVisibilityCondition(scope);
    if (visibility) conditions.push(visibility);
    if (filter.id) conditions.push(sql`id = ${filter.id}`);
    if (filter.objectId) conditions.push(sql`object_id = ${filter.objectId}`);
    if (filter.action) conditions.push(sql`action = ${filter.action}`);
    if (filter.actionNotIn) conditions.push(sql`NOT (action = ANY(${[...filter.actionNotIn]}::text[]))`);
    if (filter.tableName) conditions.push(filter.tableName === TABLES.proxyModel ? MODEL_AUDIT_ENTRY : sql`table_name = ${filter.tableName}`);
    if (filter.changedBy) conditions.push(sql`changed_by = ${filter.changedBy}`);
    if (filter.since) conditions.push(sql`updated_at >= ${utcTimestampLiteral(filter.since)}::timestamp`);
    if (filter.until) conditions.push(sql`updated_at < ${utcTimestampLiteral(filter.until)}::timestamp`);
    return conditions;
  }
}

function storedAuditEntryOf(row: StoredAuditRow): StoredAuditEntry {
  return {
    id: row.id,
    action: row.action,
    tableName: row.table_name,
    objectId: row.object_id,
    changedBy: row.changed_by,
    changedByApiKey: row.changed_by_api_key,
    beforeValue: row.before_value,
    updatedValues: row.updated_values,
    updatedAt: readUtcTimestamp(row.updated_at),
  };
}
