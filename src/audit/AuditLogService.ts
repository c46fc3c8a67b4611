// Reads of the audit trail for one request's caller: the filters and cursors of auditLogs, an entry by id, and a
// model's latest entries, all within the caller's AUDIT_READER scope.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AccessGuard } from '../access/AccessGuard';
import { AuthRule } from '../access/accessRules';
import { TABLES } from '../database/tables';
import { isoTimestamp } from '../database/utcTimestamps';
import { ApiError } from '../errors/ApiError';
import { requireIdentifier } from '../models/validateModelInput';
import { decodeCursor, encodeCursor, pageSize, toConnection, type Connection } from '../graphql/connection';
import type { AuditLogFilter } from './auditLog.input';
import { AuditAction, auditLogNode, KNOWN_AUDIT_ACTIONS, type AuditLogNode } from './auditLog.type';
import { AuditLogRepository, type StoredAuditFilter } from './AuditLogRepository';

/** The instants a timestamp(3) column can hold; a bound outside them is bad input, not a database error. */
const EARLIEST_TIMESTAMP = Date.parse('0001-01-01T00:00:00.000Z');
const LATEST_TIMESTAMP = Date.parse('9999-12-31T23:59:59.999Z');

interface AuditCursor {
  updatedAt: string;
  id: string;
}

export class AuditLogService {
  private readonly entries: AuditLogRepository;

  constructor(
    em: EntityManager,
    private readonly access: AccessGuard,
  ) {
    this.entries = new AuditLogRepository(em);
  }

  async list(filter: AuditLogFilter | null | undefined, first: number | null | undefined, after: string | null | undefined): Promise<Connection<AuditLogNode>> {
    const limit = pageSize(first);
    const cursor = after ? decodeCursor(after, isAuditCursor) : undefined;
    const scope = this.access.scope(AuthRule.AUDIT_READER);
    const storedFilter = storedFilterOf(filter);
    const before = cursor && { updatedAt: new Date(cursor.updatedAt), id: cursor.id };
    const rows = await this.entries.page(scope, storedFilter, before, limit + 1);
    return toConnection(
      rows.map(auditLogNode),
      limit,
      () => this.entries.count(scope, storedFilter),
      cursorOf,
      (node) => node,
    );
  }

  /** modelHistory: the model's entries (under either table name the proxy used), newest first; a deleted model's too. */
  modelHistory(modelId: string, first: number | null | undefined, after: string | null | undefined): Promise<Connection<AuditLogNode>> {
    return this.list({ objectId: requireIdentifier(modelId, 'id'), tableName: TABLES.proxyModel }, first, after);
  }

  /** deletedModels: the `deleted` entry of each model that is gone, newest first. */
  async deletedModels(first: number | null | undefined, after: string | null | undefined): Promise<Connection<AuditLogNode>> {
    const limit = pageSize(first);
    const cursor = after ? decodeCursor(after, isAuditCursor) : undefined;
    const scope = this.access.scope(AuthRule.AUDIT_READER);
    const before = cursor && { updatedAt: new Date(cursor.updatedAt), id: cursor.id };
    const rows = await this.entries.deletedModelsPage(scope, before, limit + 1);
    return toConnection(rows.map(auditLogNode), limit, () => this.entries.deletedModelsCount(scope), cursorOf, (node) => node);
  }

  /** For each entry id, the entry its restore put back, where the caller may read it (AuditLog.restoredFrom, batched). */
  async restoredFrom(auditLogIds: readonly string[]): Promise<(AuditLogNode | null)[]> {
    const entries = await this.entries.restoredFrom(this.access.scope(AuthRule.AUDIT_READER), auditLogIds);
    return entries.map((entry) => entry && auditLogNode(entry));
  }

  async findVisible(id: string): Promise<AuditLogNode | null> {
    const entry = await this.entries.findById(this.access.scope(AuthRule.AUDIT_READER), id);
    return entry && auditLogNode(entry);
  }

  /** The entry `id` if the caller may read it and it matches `filter` (auditLogAdded), else null. */
  async findVisibleMatching(id: string, filter: AuditLogFilter | null | undefined): Promise<AuditLogNode | null> {
    const [entry] = await this.entries.page(this.access.scope(AuthRule.AUDIT_READER), { ...storedFilterOf(filter), id }, undefined, 1);
    return entry ? auditLogNode(entry) : null;
  }

  /** The newest `limit` entries of each model the caller may read, for Model.auditLogs (batched by a loader). */
  async latestOfModels(modelIds: readonly string[], limit: number): Promise<AuditLogNode[][]> {
    const entries = await this.entries.latestOfModels(this.access.scope(AuthRule.AUDIT_READER), modelIds, limit);
    return entries.map((modelEntries) => modelEntries.map(auditLogNode));
  }
}

function cursorOf(node: AuditLogNode): string {
  return encodeCursor({ updatedAt: isoTimestamp(node.updatedAt), id: node.id });
}

/** The filter as the repository takes it; BAD_USER_INPUT for bounds no timestamp can hold. */
export function storedFilterOf(filter: AuditLogFilter | null | undefined): StoredAuditFilter {
  return {
    objectId: filter?.objectId ?? undefined,
    ...actionFilterOf(filter?.action),
    tableName: filter?.tableName ?? undefined,
    changedBy: filter?.changedBy ?? undefined,
    since: filter?.since ? storableBound(filter.since, 'since') : undefined,
    until: filter?.until ? storableBound(filter.until, 'until') : undefined,
  };
}

/** OTHER stands for every action string without a value of its own. */
function actionFilterOf(action: AuditAction | null | undefined): Pick<StoredAuditFilter, 'action' | 'actionNotIn'> {
  if (!action) return {};
  return action === AuditAction.OTHER ? { actionNotIn: KNOWN_AUDIT_ACTIONS } : { action };
}

function isAuditCursor(value: unknown): value is AuditCursor {
  if (typeof value !== 'object' || value === null) return false;
  const cursor = value as Record<string, unknown>;
  return (
    typeof cursor.updatedAt === 'string' &&
    isStorableInstant(new Date(cursor.updatedAt)) &&
    typeof cursor.id === 'string' &&
    // Text PostgreSQL cannot hold is no id this API gave out.
    !cursor.id.includes('\u0000')
  );
}

function isStorableInstant(date: Date): boolean {
  const time = date.getTime();
  return time >= EARLIEST_TIMESTAMP && time <= LATEST_TIMESTAMP;
}

function storableBound(date: Date, name: string): Date {
  if (!isStorableInstant(date)) throw ApiError.badInput(`filter.${name} must be between the years 1 and 9999.`);
  return date;
}
