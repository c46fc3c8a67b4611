// The last word on every change to a model: inside the flush that writes it, each created, updated or deleted model
// row is checked against the acting caller's MODEL_MANAGER rule, in the state it had and the state it gets, and a
// created or updated one against the privileged keys only proxy admins may change. A code path that forgot the
// service's own checks still cannot change another team's model or a privileged key: its transaction fails whole.
import { ChangeSetType, wrap, type EventSubscriber, type FlushEventArgs } from '@mikro-orm/core';
import { AccessGuard } from '../access/AccessGuard';
import { AuthRule } from '../access/accessRules';
import type { AtRestCipher } from '../crypto/AtRestCipher';
import { ProxyModel } from '../database/entities/ProxyModel';
import { UnattributedChangeError } from '../errors/UnattributedChangeError';
import { currentActor } from '../request/RequestScope';
import { ownerTeamOfModelInfo } from './ownerTeam';
import { assertMayChangePrivilegedKeys, changedPrivilegedKeys, NEW_MODEL_STATE, revealWith, type PrivilegedState, type RevealParam } from './privilegedKeys';

export class ModelChangeGuard implements EventSubscriber {
  private readonly reveal: RevealParam;

  /** `cipher` decrypts litellm_params values to compare plaintexts; without it, stored values are compared (fails closed). */
  constructor(cipher?: AtRestCipher) {
    this.reveal = revealWith(cipher);
  }

  async onFlush({ uow }: FlushEventArgs): Promise<void> {
    const changes = uow.getChangeSets().filter((change) => change.meta.className === ProxyModel.name);
    if (changes.length === 0) return;
    const actor = currentActor();
    if (!actor) throw UnattributedChangeError.noActor([ProxyModel.name]);
    const access = new AccessGuard(actor);
    for (const change of changes) {
      const model = change.entity as ProxyModel;
      if (change.type !== ChangeSetType.CREATE) {
        // A row removed by reference was never loaded: its state decides as much as a loaded one's.
        if (!wrap(model).isInitialized()) await wrap(model).init();
        // An update's originalEntity holds the row as it was loaded, JSON columns as text (ownerTeamOfModelInfo
        // reads both); a delete's entity is still as it was loaded.
        const before = change.originalEntity ? change.originalEntity.modelInfo : model.modelInfo;
        access.assert(AuthRule.MODEL_MANAGER, ownerTeamOfModelInfo(before));
      }
      if (change.type === ChangeSetType.CREATE || change.type === ChangeSetType.UPDATE) {
        access.assert(AuthRule.MODEL_MANAGER, ownerTeamOfModelInfo(model.modelInfo));
        const before = change.type === ChangeSetType.CREATE ? NEW_MODEL_STATE : stateOf(change.originalEntity ?? model);
        assertMayChangePrivilegedKeys(actor, changedPrivilegedKeys(before, stateOf(model), this.reveal));
      }
    }
  }
}

/** A model's privileged parts, from the entity or from a change set's original data (JSON as text there). */
function stateOf(row: Partial<Pick<ProxyModel, 'litellmParams' | 'modelInfo' | 'blocked'>>): PrivilegedState {
  return { litellmParams: row.litellmParams, modelInfo: row.modelInfo, blocked: row.blocked === true };
}
