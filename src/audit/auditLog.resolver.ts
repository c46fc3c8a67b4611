// GraphQL for the audit trail: auditLogs, auditLog, modelHistory, deletedModels, Model.auditLogs and AuditLog.model.
import DataLoader from 'dataloader';
import { GraphQLJSON } from 'graphql-scalars';
import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { accessOf } from '../access/AccessGuard';
import { Auth } from '../access/Auth';
import { AuthRule, isProxyAdmin } from '../access/accessRules';
import { UserRole } from '../access/UserRole';
import { maskSecret } from '../crypto/maskSecrets';
import { TABLES } from '../database/tables';
import { ConnectionType, pageSize } from '../graphql/connection';
import type { ApiContext, ApiLoaderFactory } from '../graphql/context';

import { storedModelById } from '../models/model.resolver';
import { configModelNode, ModelNode } from '../models/model.type';
import { AuditLogFilter } from './auditLog.input';
import { AuditLogNode } from './auditLog.type';
import { AuditLogService } from './AuditLogService';
import { isModelAuditEntry } from './auditVisibility';
import { maskAuditSnapshot } from './maskAuditSnapshot';

export const { Connection: AuditLogConnection, TotalCountResolver: AuditLogConnectionTotalCount } = ConnectionType(AuditLogNode, 'AuditLog');
export const DEFAULT_MODEL_HISTORY_SIZE = 10;

/** The newest entries of each model the caller may read, batched per request; one loader per page size. */
const modelAuditLogs: ApiLoaderFactory<string, AuditLogNode[], number> = (context, first) => {
  const audit = new AuditLogService(context.em, accessOf(context));
  return new DataLoader((modelIds) => audit.latestOfModels(modelIds, first));
};

@Resolver(() => AuditLogNode)
export class AuditLogResolver {
  @Query(() => AuditLogConnection, { description: 'Newest first.' })
  @Auth({ rule: AuthRule.AUDIT_READER })
  auditLogs(
    @Ctx() context: ApiContext,
    @Arg('filter', () => AuditLogFilter, { nullable: true }) filter?: AuditLogFilter,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ) {
    return new AuditLogService(context.em, accessOf(context)).list(filter, first, after);
  }

  @Query(() => AuditLogNode, { nullable: true, description: 'Null when absent or not visible to the caller.' })
  @Auth({ rule: AuthRule.AUDIT_READER })
  auditLog(@Arg('id', () => ID) id: string, @Ctx() context: ApiContext): Promise<AuditLogNode | null> {
    return new AuditLogService(context.em, accessOf(context)).findVisible(id);
  }

  @FieldResolver(() => ID, { description: "The changed row's id. For an API key, its sha256: shown to proxy admins only, masked for others." })
  objectId(@Root() entry: AuditLogNode, @Ctx() context: ApiContext): string {
    if (entry.tableName !== TABLES.verificationToken || isProxyAdmin(accessOf(context).principal)) return entry.objectId;
    return maskSecret(entry.objectId);
  }

  @FieldResolver(() => String, { nullable: true, description: 'sha256 of the key that made the change.' })
  @Auth({ requires: [UserRole.PROXY_ADMIN] })
  changedByApiKey(@Root() entry: AuditLogNode): string | null {
    return entry.storedChangedByApiKey || null;
  }

  @FieldResolver(() => GraphQLJSON, { nullable: true, description: 'The row before the change, secrets masked.' })
  beforeValue(@Root() entry: AuditLogNode, @Ctx() { services }: ApiContext): unknown {
    return maskAuditSnapshot(entry.storedBeforeValue, services.presentedValues);
  }

  @FieldResolver(() => GraphQLJSON, { nullable: true, description: 'The row after the change, secrets masked.' })
  updatedValues(@Root() entry: AuditLogNode, @Ctx() { services }: ApiContext): unknown {
    return maskAuditSnapshot(entry.storedUpdatedValues, services.presentedValues);
  }

  @FieldResolver(() => ModelNode, { nullable: true, description: 'The model as it is now; null once deleted or when not visible.' })
  async model(@Root() entry: AuditLogNode, @Ctx() context: ApiContext): Promise<ModelNode | null> {
    const facts = { tableName: entry.tableName, beforeValue: entry.storedBeforeValue, updatedValues: entry.storedUpdatedValues };
    if (!isModelAuditEntry(facts)) return null;
    const configModel = context.services.configModels.find((model) => model.id === entry.objectId);
    const node = configModel ? configModelNode(configModel) : await context.loaders.get(storedModelById).load(entry.objectId);
    // The same rule as `model(id)`: a model the caller may not see is not shown here either.
    return node && accessOf(context).allows(AuthRule.MODEL_VIEWER, node.ownerTeam) ? node : null;
  }
}

@Resolver(() => ModelNode)
export class ModelHistoryResolver {
  @Query(() => AuditLogConnection, { description: "The model's audit entries, newest first; a deleted model's too." })
  @Auth({ rule: AuthRule.AUDIT_READER })
  modelHistory(
    @Arg('id', () => ID) id: string,
    @Ctx() context: ApiContext,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ) {
    return new AuditLogService(context.em, accessOf(context)).modelHistory(id, first, after);
  }

  @Query(() => AuditLogConnection, { description: 'The `deleted` entry of each model that is gone (its newest entry), newest first: restoreModel undeletes one.' })
  @Auth({ rule: AuthRule.AUDIT_READER })
  deletedModels(
    @Ctx() context: ApiContext,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ) {
    return new AuditLogService(context.em, accessOf(context)).deletedModels(first, after);
  }

  @FieldResolver(() => [AuditLogNode], {
    nullable: true,
    description: "This model's audit entries, newest first. Null (with a FORBIDDEN error) where the caller may not read them, so one hidden history does not void a whole list.",
  })
  @Auth({ rule: AuthRule.AUDIT_READER })
  auditLogs(@Root() model: ModelNode, @Ctx() context: ApiContext, @Arg('first', () => Int, { nullable: true }) first?: number): Promise<AuditLogNode[]> {
    return context.loaders.get(modelAuditLogs, pageSize(first ?? DEFAULT_MODEL_HISTORY_SIZE)).load(model.id);
  }
}
