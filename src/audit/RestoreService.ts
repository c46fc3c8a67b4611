// restoreModel for one request's caller: finds the audit entry among those the caller may read, works out the row it
// restores, and has ModelService put it back in one transaction, which also records the restore.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AccessGuard } from '../access/AccessGuard';
import { AuthRule } from '../access/accessRules';
import { EVERY_TEAM } from '../access/TeamScope';
import { ApiError } from '../errors/ApiError';
import type { AppServices } from '../graphql/context';
import type { ModelNode } from '../models/model.type';
import { ModelService } from '../models/ModelService';
import { ownerTeamOfSnapshot } from '../models/ownerTeam';
import { requireIdentifier } from '../models/validateModelInput';
import { AuditLogRepository } from './AuditLogRepository';
import { isModelAuditEntry } from './auditVisibility';
import { restoredModelState } from './restoredModelState';
import { recordRestore } from './restoreRecord';

export class RestoreService {
  private readonly entries: AuditLogRepository;

  constructor(
    private readonly em: EntityManager,
    private readonly services: AppServices,
    private readonly access: AccessGuard,
  ) {
    this.entries = new AuditLogRepository(em);
  }

  /** The model as it was right after the entry (right before it, for a `deleted` one). */
  async restore(rawAuditLogId: string, expectedUpdatedAt?: Date | null): Promise<ModelNode> {
    const auditLogId = requireIdentifier(rawAuditLogId, 'auditLogId');
    // An entry the caller may not read is answered like a missing one.
    const entry = await this.entries.findById(this.access.scope(AuthRule.AUDIT_READER), auditLogId);
    if (!entry) throw ApiError.notFound('Audit entry', auditLogId);
    if (!isModelAuditEntry(entry)) {
      throw ApiError.badInput(`Audit entry ${JSON.stringify(auditLogId)} records a change to ${entry.tableName}, not to a model: only a model's entries can be restored.`);
    }
    const target = restoredModelState(entry, this.services.cipher);
    const [[newest]] = await this.entries.latestOfModels(EVERY_TEAM, [entry.objectId], 1);
    return new ModelService(this.em, this.services, this.access).restore(target, {
      undelete: entry.action === 'deleted',
      expectedUpdatedAt,
      lastKnownOwner: newest ? ownerTeamOfSnapshot(newest.updatedValues ?? newest.beforeValue) : undefined,
      remember: (em) => recordRestore(em, target.modelId, entry.id),
    });
  }
}
