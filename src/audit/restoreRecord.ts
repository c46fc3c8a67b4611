// model_admin_graphql_restores: which audit entry each restoreModel wrote, and the entry it put back (AuditLog.restoredFrom).
import type { EntityManager } from '@mikro-orm/postgresql';
import { AuditLog } from '../database/entities/AuditLog';
import { readRows } from '../database/readRows';
import { sql, table } from '../database/sql';
import { OWN_TABLES, TABLES } from '../database/tables';

/**
 * Records, in `em`'s transaction, that the model entry its last flush wrote for `modelId` restored `restoredFromId`.
 * That entry is in `em`'s identity map (the unit of work registers what it inserts); a restore that changed nothing
 * wrote none, and records nothing.
 */
export async function recordRestore(em: EntityManager, modelId: string, restoredFromId: string): Promise<void> {
  const written = [...em.getUnitOfWork().getIdentityMap().values()].filter(
    (entity): entity is AuditLog => entity instanceof AuditLog && entity.tableName === TABLES.proxyModel && entity.objectId === modelId,
  );
  const entry = written.at(-1);
  if (!entry) return;
  await readRows(em, sql`INSERT INTO ${table(OWN_TABLES.restores)} (audit_log_id, restored_from_audit_log_id) VALUES (${entry.id}, ${restoredFromId})`);
}
