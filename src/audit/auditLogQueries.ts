// Reads of the audit trail: newest first, keyset-paginated on (updated_at, id) so a page costs the same
// at row 100,000 as at row 100, and filtered to what the caller may see.
import type { EntityManager } from '@mikro-orm/postgresql';
import { seesEverything } from '../auth/accessRules';
import type { AuthenticatedPrincipal } from '../auth/Principal';
import { AuditLog } from '../database/entities/AuditLog';
import { hydrateForReading } from '../database/hydrateForReading';
import { decodedJsonSql, placeholders, utcTimestampLiteral } from '../database/sql';
import { TABLES } from '../database/tables';
import { ApiError } from '../errors/ApiError';
import { decodeCursor, encodeCursor, pageSize, toConnection, type Connection } from '../graphql/connection';
import type { AuditLogFilter } from './auditLog.input';
import { AuditAction, AuditLogNode } from './auditLog.type';
import { readRows } from '../database/readRows';
import { isoTimestamp } from '../database/utcTimestamps';

/** The instants a timestamp(3) column can hold; a bound outside them is bad input, not a database error. */
const EARLIEST_TIMESTAMP = Date.parse('0001-01-01T00:00:00.000Z');
const LATEST_TIMESTAMP = Date.parse('9999-12-31T23:59:59.999Z');

interface SqlCondition {
  sql: string;
  params: unknown[];
}

/**
 * Model history: entries of LiteLLM_ProxyModelTable, and those older proxies wrote as LiteLLM_ModelTable.
 * That is also the name of the team alias table, whose own entries (written by this API) are not model
 * history: their snapshots are alias rows, with an `aliases` column.
 */
const MODEL_ENTRY: SqlCondition = {
  sql: `(table_name = ? OR (table_name = ? AND coalesce(updated_values, before_value) -> 'aliases' IS NULL))`,
  params: [TABLES.proxyModel, TABLES.teamModelAliases],
};

/** The team a model snapshot belongs to. */
function snapshotTeamIdSql(column: string): string {
  return `(${decodedJsonSql(`${decodedJsonSql(column)} -> 'model_info'`)} ->> 'team_id')`;
}

interface AuditCursor {
  updatedAt: string;
  id: string;
}

function isAuditCursor(value: unknown): value is AuditCursor {
  if (typeof value !== 'object' || value === null) return false;
  const cursor = value as Record<string, unknown>;
  return typeof cursor.updatedAt === 'string' && isStorableInstant(new Date(cursor.updatedAt)) && typeof cursor.id === 'string';
}

function isStorableInstant(date: Date): boolean {
  const time = date.getTime();
  return time >= EARLIEST_TIMESTAMP && time <= LATEST_TIMESTAMP;
}

function timestampBound(date: Date, name: string): string {
  if (!isStorableInstant(date)) throw ApiError.badInput(`filter.${name} must be between the years 1 and 9999.`);
  return utcTimestampLiteral(date);
}

/** Team admins see the entries of their team's models (before or after the change); admins and viewers everything. */
function visibilityCondition(principal: AuthenticatedPrincipal): SqlCondition | undefined {
  if (seesEverything(principal)) return undefined;
  return {
    sql: `(${MODEL_ENTRY.sql} AND (${snapshotTeamIdSql('updated_values')} = ? OR ${snapshotTeamIdSql('before_value')} = ?))`,
    params: [...MODEL_ENTRY.params, principal.teamId, principal.teamId],
  };
}

function filterConditions(filter: AuditLogFilter | null | undefined): SqlCondition[] {
  const conditions: SqlCondition[] = [];
  if (filter?.objectId) conditions.push({ sql: 'object_id = ?', params: [filter.objectId] });
  if (filter?.action) conditions.push({ sql: 'action = ?', params: [filter.action] });
  if (filter?.tableName) conditions.push(filter.tableName === TABLES.proxyModel ? MODEL_ENTRY : { sql: 'table_name = ?', params: [filter.tableName] });
  if (filter?.changedBy) conditions.push({ sql: 'changed_by = ?', params: [filter.changedBy] });
  if (filter?.since) conditions.push({ sql: 'updated_at >= ?::timestamp', params: [timestampBound(filter.since, 'since')] });
  if (filter?.until) conditions.push({ sql: 'updated_at < ?::timestamp', params: [timestampBound(filter.until, 'until')] });
  return conditions;
}

function whereClause(conditions: SqlCondition[]): { sql: string; params: unknown[] } {
  if (conditions.length === 0) return { sql: '', params: [] };
  return { sql: `WHERE ${conditions.map((condition) => condition.sql).join(' AND ')}`, params: conditions.flatMap((condition) => condition.params) };
}

/** A page of entries. Its total is counted only when a client asks for it: on a long log that costs a scan of every match. */
export type AuditLogPage = Omit<Connection<AuditLogNode>, 'totalCount'> & { countAll(): Promise<number> };

export async function listAuditLogs(
  em: EntityManager,
  principal: AuthenticatedPrincipal,
  filter: AuditLogFilter | null | undefined,
  first: number | null | undefined,
  after: string | null | undefined,
): Promise<AuditLogPage> {
  const limit = pageSize(first);
  const cursor = after ? decodeCursor(after, isAuditCursor) : undefined;
  const visibility = visibilityCondition(principal);
  const conditions = [...(visibility ? [visibility] : []), ...filterConditions(filter)];

  const paged = whereClause(cursor ? [...conditions, { sql: '(updated_at, id) < (?::timestamp, ?)', params: [utcTimestampLiteral(new Date(cursor.updatedAt)), cursor.id] }] : conditions);
  const rows = await readRows(
    em,
    `SELECT * FROM "${TABLES.auditLog}" ${paged.sql} ORDER BY updated_at DESC, id DESC LIMIT ?`,
    [...paged.params, limit + 1],
  );
  const nodes = rows.map((row) => auditLogNode(hydrateForReading(em, AuditLog, row)));
  const { edges, pageInfo } = toConnection(nodes, limit, 0, (node) => encodeCursor({ updatedAt: isoTimestamp(node.updatedAt), id: node.id }), (node) => node);
  const matching = whereClause(conditions);
  return {
    edges,
    pageInfo,
    async countAll() {
      const [{ count }] = await readRows<{ count: string }>(em, `SELECT count(*) AS count FROM "${TABLES.auditLog}" ${matching.sql}`, matching.params);
      return Number(count);
    },
  };
}

export async function findVisibleAuditLog(em: EntityManager, principal: AuthenticatedPrincipal, id: string): Promise<AuditLogNode | null> {
  const visibility = visibilityCondition(principal);
  const where = whereClause([{ sql: 'id = ?', params: [id] }, ...(visibility ? [visibility] : [])]);
  const [row] = await readRows(em, `SELECT * FROM "${TABLES.auditLog}" ${where.sql}`, where.params);
  return row ? auditLogNode(hydrateForReading(em, AuditLog, row)) : null;
}

/** The newest `limit` entries of each model that the caller may see, in one statement for any number of models. */
export async function latestModelAuditLogs(
  em: EntityManager,
  principal: AuthenticatedPrincipal,
  modelIds: readonly string[],
  limit: number,
): Promise<AuditLogNode[][]> {
  const visibility = visibilityCondition(principal);
  const where = whereClause([{ sql: `object_id IN (${placeholders(modelIds)})`, params: [...modelIds] }, MODEL_ENTRY, ...(visibility ? [visibility] : [])]);
  const rows = await readRows(
    em,
    `SELECT * FROM (
       SELECT *, row_number() OVER (PARTITION BY object_id ORDER BY updated_at DESC, id DESC) AS position
       FROM "${TABLES.auditLog}" ${where.sql}
     ) ranked WHERE position <= ? ORDER BY updated_at DESC, id DESC`,
    [...where.params, limit],
  );
  const byModel = new Map<string, AuditLogNode[]>(modelIds.map((id) => [id, []]));
  for (const row of rows) {
    const node = auditLogNode(hydrateForReading(em, AuditLog, row));
    byModel.get(node.objectId)?.push(node);
  }
  return modelIds.map((id) => byModel.get(id) ?? []);
}

/** MODEL_ENTRY, for an entry already read. */
export function isModelAuditEntry(node: AuditLogNode): boolean {
  if (node.tableName === TABLES.proxyModel) return true;
  return node.tableName === TABLES.teamModelAliases && !('aliases' in (node.storedUpdatedValues ?? node.storedBeforeValue ?? {}));
}

/** An instance of AuditLogNode, so that type-graphql passes it to field resolvers as is (see storedModelNode). */
function auditLogNode(entry: AuditLog): AuditLogNode {
  return Object.assign(new AuditLogNode(), {
    id: entry.id,
    action: entry.action as AuditAction,
    tableName: entry.tableName,
    objectId: entry.objectId,
    changedBy: entry.changedBy,
    updatedAt: entry.updatedAt,
    storedChangedByApiKey: entry.changedByApiKey,
    storedBeforeValue: asObject(entry.beforeValue),
    storedUpdatedValues: asObject(entry.updatedValues),
  });
}

function asObject(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}
