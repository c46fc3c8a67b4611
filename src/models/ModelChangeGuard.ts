// The last word on every change to a model: inside the flush that writes it, each created, updated or deleted model
// row is checked against the acting caller's MODEL_MANAGER rule, in the state it had and the state it gets. A code
// path that forgot the service's own check still cannot change another team's model: its transaction fails whole.
import { ChangeSetType, wrap, type EventSubscriber, type FlushEventArgs } from '@mikro-orm/core';
import { AccessGuard } from '../access/AccessGuard';
import { AuthRule } from '../access/accessRules';
import { ProxyModel } from '../database/entities/ProxyModel';
import { UnattributedChangeError } from '../errors/UnattributedChangeError';
import { currentActor } from '../request/RequestScope';
import { ownerTeamOfModelInfo } from './ownerTeam';

export class ModelChangeGuard implements EventSubscriber {
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
      }
    }
  }
}
