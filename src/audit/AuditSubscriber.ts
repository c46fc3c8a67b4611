// Writes one LiteLLM_AuditLog row per changed row of every audited table inside the flush that changes
// it, so a change and its audit entry commit together or not at all. No code writes audit rows by hand.
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import {
  ChangeSetType,
  helper,
  wrap,
  type AnyEntity,
  type ChangeSet,
  type EntityData,
  type EntityManager,
  type EventSubscriber,
  type FlushEventArgs,
  type TransactionEventArgs,
  type UnitOfWork,
} from '@mikro-orm/core';
import { AuditLog, type AuditAction } from '../database/entities/AuditLog';
import type { JsonObject } from '../database/entities/columns';
import { ENTITIES } from '../database/entities';
import type { AuthenticatedPrincipal } from '../access/Principal';
import { UnattributedChangeError } from '../errors/UnattributedChangeError';
import { currentActor } from '../request/RequestScope';
import { announceAuditEntries } from './auditAnnouncements';
import { rowSnapshot, snapshotColumns } from './auditSnapshot';

/** Every table but the audit trail itself. */
const AUDITED_ENTITY_NAMES: ReadonlySet<string> = new Set(ENTITIES.filter((entity) => entity !== AuditLog).map((entity) => entity.name));

const ACTIONS: Record<ChangeSetType, AuditAction> = {
  [ChangeSetType.CREATE]: 'created',
  [ChangeSetType.UPDATE]: 'updated',
  [ChangeSetType.UPDATE_EARLY]: 'updated',
  [ChangeSetType.DELETE]: 'deleted',
  [ChangeSetType.DELETE_EARLY]: 'deleted',
};

/** The column the proxy's /model/block and /model/unblock flip; a change of it alone is audited as blocked / unblocked. */
export const BLOCKED_COLUMN = 'blocked';
/** Columns every change touches: they do not make a change more than what it is. */
export const BOOKKEEPING_COLUMNS: ReadonlySet<string> = new Set(['updated_at', 'updated_by']);

type AuditedChange = ChangeSet<AnyEntity>;

export class AuditSubscriber implements EventSubscriber {
  /** Entries of a flush that runs outside a transaction, announced in the one MikroORM then opens for it. */
  private readonly unannounced = new WeakMap<UnitOfWork, string[]>();

  async onFlush({ em, uow }: FlushEventArgs): Promise<void> {
    const changes = uow.getChangeSets().filter((change) => AUDITED_ENTITY_NAMES.has(change.meta.className));
    if (changes.length === 0) return;
    const actor = currentActor();
    if (!actor) throw UnattributedChangeError.noActor(changes.map((change) => change.meta.tableName));
    await takeSerialKeysBeforeInsert(em, changes);
    const ids: string[] = [];
    for (const change of changes) {
      const entry = await auditEntry(em, uow, change, actor);
      // Computing its change set here makes the entry part of this flush, hence of its transaction.
      if (entry) uow.computeChangeSet(entry);
      if (entry) ids.push(entry.id);
    }
    if (ids.length === 0) return;
    if (em.isInTransaction()) await announceAuditEntries(em, ids, em.getTransactionContext());
    else this.unannounced.set(uow, ids);
  }

  async beforeTransactionCommit({ em, uow, transaction }: TransactionEventArgs): Promise<void> {
    const ids = uow && this.unannounced.get(uow);
    if (!ids) return;
    this.unannounced.delete(uow);
    await announceAuditEntries(em, ids, transaction);
  }
}

async function auditEntry(em: EntityManager, uow: UnitOfWork, change: AuditedChange, actor: AuthenticatedPrincipal): Promise<AuditLog | undefined> {
  const kind = ACTIONS[change.type];
  const before = kind === 'created' ? null : await snapshotBefore(em, uow, change);
  if (before === undefined) return undefined;
  const after = kind === 'deleted' ? null : snapshot(em, change, em.getComparator().prepareEntity(change.entity));
  if (kind === 'updated' && isDeepStrictEqual(before, after)) return undefined;

  const entry = new AuditLog();
  entry.id = randomUUID();
  entry.action = kind === 'updated' ? updateAction(before!, after!) : kind;
  entry.tableName = change.meta.tableName;
  entry.objectId = String(helper(change.entity).getPrimaryKey());
  entry.beforeValue = before;
  entry.updatedValues = after;
  entry.changedBy = actor.userId;
  entry.changedByApiKey = actor.keyHash;
  return entry;
}

/**
 * What the proxy calls an update of these two snapshots: `blocked` / `unblocked` when the blocked column is all that
 * changed besides the bookkeeping columns (as its /model/block and /model/unblock write them), else `updated`.
 */
export function updateAction(before: JsonObject, after: JsonObject): AuditAction {
  const changed = Object.keys({ ...before, ...after }).filter((column) => !BOOKKEEPING_COLUMNS.has(column) && !isDeepStrictEqual(before[column], after[column]));
  if (changed.length !== 1 || changed[0] !== BLOCKED_COLUMN) return 'updated';
  return after[BLOCKED_COLUMN] === true ? 'blocked' : 'unblocked';
}

/** The row as it was loaded; undefined when a removed reference turns out to have no row (nothing is deleted). */
async function snapshotBefore(em: EntityManager, uow: UnitOfWork, change: AuditedChange) {
  // An update's change set carries the state it was computed from; a delete's does not.
  if (change.originalEntity) return snapshot(em, change, change.originalEntity);
  // `em.remove(em.getReference(...))` deletes a row nobody loaded: load it to know what is lost.
  if (!wrap(change.entity).isInitialized() && !(await wrap(change.entity).init())) return undefined;
  const original = uow.getOriginalEntityData(change.entity);
  return original ? snapshot(em, change, original) : undefined;
}

function snapshot(em: EntityManager, change: AuditedChange, data: EntityData<AnyEntity>) {
  const platform = em.getPlatform();
  return rowSnapshot(snapshotColumns(change.meta), data as Record<string, unknown>, (literal) => platform.unmarshallArray(literal));
}

/**
 * A serial key (LiteLLM_ModelTable.id) is known only after the INSERT, but the audit row written in the
 * same flush needs it as its object_id: draw it from the column's sequence first, as the INSERT would.
 */
async function takeSerialKeysBeforeInsert(em: EntityManager, changes: readonly AuditedChange[]): Promise<void> {
  for (const change of changes) {
    const wrapped = helper(change.entity);
    const [key] = change.meta.getPrimaryProps();
    if (change.type !== ChangeSetType.CREATE || wrapped.hasPrimaryKey() || !key.autoincrement) continue;
    const [row] = await em
      .getConnection('write')
      .execute<{ id: string }[]>(
        'select nextval(pg_get_serial_sequence(?, ?)) as id',
        [em.getPlatform().quoteIdentifier(change.meta.tableName), key.fieldNames[0]],
        'all',
        em.getTransactionContext(),
      );
    const id = Number(row.id);
    wrapped.setPrimaryKey(id);
    change.payload[key.name as keyof typeof change.payload] = id as never;
    // Rows inserted in this flush that point at this one (a team's model_id) hold this placeholder.
    const identifier = wrapped.__identifier;
    if (identifier && !Array.isArray(identifier)) identifier.setValue(id);
  }
}
