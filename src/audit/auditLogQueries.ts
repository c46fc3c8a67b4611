// Reads of the audit trail: newest first, keyset-paginated on (updated_at, id) so a page costs the same
// at row 100,000 as at row 100, and filtered to what the caller may see.
import type { EntityManager } from '@mikro-orm/postgresql';
import { seesEverything } from '../auth/accessRules';
import type { AuthenticatedPrincipal } from '../auth/Principal';
import { AuditLog } from '../database/entities/AuditLog';
import { decodedJsonSql, placeholders, utcTimestampLiteral } from '../database/sql';
import { MODEL_AUDIT_TABLE_NAMES, TABLES } from '../database/tables';
import { decodeCursor, encodeCursor, pageSize, toConnection, type Connection } from '../graphql/connection';
import type { AuditLogFilter } from './auditLog.input';
import { AuditAction, type AuditLogNode } from './auditLog.type';

/** The team a model snapshot belongs to. */
function snapshotTeamIdSql(column: string): string {
  return `(${decodedJsonSql(`${decodedJsonSql(column)} -> 'model_info'`)} ->> 'team_id')`;
}

const MODEL_TABLES_SQL = placeholders(MODEL_AUDIT_TABLE_NAMES);

interface AuditCursor {
  updatedAt: string;
  id: string;
}

function isAuditCursor(value: unknown): value is AuditCursor {
  if (typeof value !== 'object' || value === null) return false;
  const cursor = value as Record<string, unknown>;
  return typeof cursor.updatedAt === 'string' && !Number.isNaN(Date.parse(cursor.updatedAt)) && typeof cursor.id === 'string';
}

interface SqlCondition {
  sql: string;
  params: unknown[];
}

/** Team admins see the entries of their team's models (before or after the change); admins and viewers everything. */
function visibilityCondition(principal: AuthenticatedPrincipal): SqlCondition | undefined {
  if (seesEverything(principal)) return undefined;
  return {
    sql: `(table_name IN (${MODEL_TABLES_SQL}) AND (${snapshotTeamIdSql('updated_values')} = ? OR ${snapshotTeamIdSql('before_value')} = ?))`,
    params: [...MODEL_AUDIT_TABLE_NAMES, principal.teamId, principal.teamId],
  };
}

function filterConditions(filter: AuditLogFilter | null | undefined): SqlCondition[] {
  const conditions: SqlCondition[] = [];
  if (filter?.objectId) conditions.push({ sql: 'object_id = ?', params: [filter.objectId] });
  if (filter?.action) conditions.push({ sql: 'action = ?', params: [filter.action] });
  if (filter?.tableName) {
    const names = MODEL_AUDIT_TABLE_NAMES.includes(filter.tableName) ? MODEL_AUDIT_TABLE_NAMES : [filter.tableName];
    conditions.push({ sql: `table_name IN (${placeholders(names)})`, params: [...names] });
  }
  if (filter?.changedBy) conditions.push({ sql: 'changed_by = ?', params: [filter.changedBy] });
  if (filter?.since) conditions.push({ sql: 'updated_at >= ?::timestamp', params: [utcTimestampLiteral(filter.since)] });
  if (filter?.until) conditions.push({ sql: 'updated_at < ?::timestamp', params: [utcTimestampLiteral(filter.until)] });
  return conditions;
}

function whereClause(conditions: SqlCondition[]): { sql: string; params: unknown[] } {
  if (conditions.length === 0) return { sql: '', params: [] };
  return { sql: `WHERE ${conditions.map((condition) => condition.sql).join(' AND ')}`, params: conditions.flatMap((condition) => condition.params) };
}

export async function listAuditLogs(
  em: EntityManager,
  principal: AuthenticatedPrincipal,
  filter: AuditLogFilter | null | undefined,
  first: number | null | undefined,
  after: string | null | undefined,
): Promise<Connection<AuditLogNode>> {
  const limit = pageSize(first);
  const cursor = after ? decodeCursor(after, isAuditCursor) : undefined;
  const visibility = visibilityCondition(principal);
  const conditions = [...(visibility ? [visibility] : []), ...filterConditions(filter)];

  const counted = whereClause(conditions);
  const [{ count }] = await em.execute<{ count: string }[]>(`SELECT count(*) AS count FROM "${TABLES.auditLog}" ${counted.sql}`, counted.params);
  const paged = whereClause(cursor ? [...conditions, { sql: '(updated_at, id) < (?::timestamp, ?)', params: [utcTimestampLiteral(new Date(cursor.updatedAt)), cursor.id] }] : conditions);
  const rows = await em.execute(
    `SELECT * FROM "${TABLES.auditLog}" ${paged.sql} ORDER BY updated_at DESC, id DESC LIMIT ?`,
    [...paged.params, limit + 1],
  );
  const nodes = rows.map((row) => auditLogNode(em.map(AuditLog, row)));
  return toConnection(nodes, limit, Number(count), (node) => encodeCursor({ updatedAt: node.updatedAt.toISOString(), id: node.id }), (node) => node);
}

export async function findVisibleAuditLog(em: EntityManager, principal: AuthenticatedPrincipal, id: string): Promise<AuditLogNode | null> {
  const visibility = visibilityCondition(principal);
  const where = whereClause([{ sql: 'id = ?', params: [id] }, ...(visibility ? [visibility] : [])]);
  const [row] = await em.execute(`SELECT * FROM "${TABLES.auditLog}" ${where.sql}`, where.params);
  return row ? auditLogNode(em.map(AuditLog, row)) : null;
}

/** The newest `limit` entries of each model, in one statement for any number of models. */
export async function latestModelAuditLogs(em: EntityManager, modelIds: readonly string[], limit: number): Promise<AuditLogNode[][]> {
  const rows = await em.execute(
    `SELECT * FROM (
       SELECT *, row_number() OVER (PARTITION BY object_id ORDER BY updated_at DESC, id DESC) AS position
       FROM "${TABLES.auditLog}" WHERE object_id IN (${placeholders(modelIds)}) AND table_name IN (${MODEL_TABLES_SQL})
     ) ranked WHERE position <= ? ORDER BY updated_at DESC, id DESC`,
    [...modelIds, ...MODEL_AUDIT_TABLE_NAMES, limit],
  );
  const byModel = new Map<string, AuditLogNode[]>(modelIds.map((id) => [id, []]));
  for (const row of rows) {
    const node = auditLogNode(em.map(AuditLog, row));
    byModel.get(node.objectId)?.push(node);
  }
  return modelIds.map((id) => byModel.get(id) ?? []);
}

export function isModelAuditEntry(node: AuditLogNode): boolean {
  return MODEL_AUDIT_TABLE_NAMES.includes(node.tableName);
}

function auditLogNode(entry: AuditLog): AuditLogNode {
  return {
    id: entry.id,
    action: entry.action as AuditAction,
    tableName: entry.tableName,
    objectId: entry.objectId,
    changedBy: entry.changedBy,
    updatedAt: entry.updatedAt,
    storedChangedByApiKey: entry.changedByApiKey,
    storedBeforeValue: asObject(entry.beforeValue),
    storedUpdatedValues: asObject(entry.updatedValues),
  };
}

function asObject(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}
