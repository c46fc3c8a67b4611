// GraphQL for undo: restoreModel, and what an entry changed and restored (AuditLog.changes, AuditLog.restoredFrom).
import DataLoader from 'dataloader';
import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { accessOf } from '../access/AccessGuard';
import { Auth } from '../access/Auth';
import { AuthRule } from '../access/accessRules';
import type { ApiContext, ApiLoaderFactory } from '../graphql/context';
import { EXPECTED_UPDATED_AT } from '../models/model.resolver';
import { ModelNode } from '../models/model.type';
import { AuditChangeNode } from './auditChange.type';
import { auditChanges } from './auditChanges';
import { AuditLogNode } from './auditLog.type';
import { AuditLogService } from './AuditLogService';
import { RestoreService } from './RestoreService';

/** The entry each restore put back, batched per request. */
const restoredFromOf: ApiLoaderFactory<string, AuditLogNode | null> = (context) => {
  const audit = new AuditLogService(context.em, accessOf(context));
  return new DataLoader((ids) => audit.restoredFrom(ids));
};

@Resolver(() => AuditLogNode)
export class UndoResolver {
  @Mutation(() => ModelNode, {
    description:
      'Puts the model back as it was right after this audit entry (right before it for a `deleted` entry, which undeletes the model with its id). ' +
      'One transaction with the row locked; team membership follows as a patch moving the model would; audited as an ordinary update or creation. ' +
      'expectedUpdatedAt is checked against the model row; an undelete has none to check (a model holding the id again is refused anyway).',
  })
  @Auth({ rule: AuthRule.MODEL_MANAGER })
  restoreModel(
    @Arg('auditLogId', () => ID) auditLogId: string,
    @Ctx() context: ApiContext,
    @Arg('expectedUpdatedAt', () => Date, EXPECTED_UPDATED_AT) expectedUpdatedAt?: Date,
  ): Promise<ModelNode> {
    return new RestoreService(context.em, context.services, accessOf(context)).restore(auditLogId, expectedUpdatedAt);
  }

  @FieldResolver(() => [AuditChangeNode], { description: 'Each leaf that differs between beforeValue and updatedValues, compared decrypted, shown masked.' })
  changes(
    @Root() entry: AuditLogNode,
    @Ctx() { services }: ApiContext,
    @Arg('includeBookkeeping', () => Boolean, { nullable: true, defaultValue: false, description: 'Also the timestamps and created_by / updated_by.' })
    includeBookkeeping?: boolean | null,
  ): AuditChangeNode[] {
    const options = { cipher: services.cipher, presentedValues: services.presentedValues, includeBookkeeping: includeBookkeeping === true };
    return auditChanges(entry.storedBeforeValue, entry.storedUpdatedValues, options).map((change) => Object.assign(new AuditChangeNode(), change));
  }

  @FieldResolver(() => AuditLogNode, { nullable: true, description: 'The entry a restoreModel that wrote this one put back; null otherwise or when not visible.' })
  restoredFrom(@Root() entry: AuditLogNode, @Ctx() context: ApiContext): Promise<AuditLogNode | null> {
    return context.loaders.get(restoredFromOf).load(entry.id);
  }
}
