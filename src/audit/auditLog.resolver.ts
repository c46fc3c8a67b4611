// GraphQL for the audit trail: auditLogs, auditLog, Model.auditLogs and AuditLog.model.
import { GraphQLJSON } from 'graphql-scalars';
import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { Auth } from '../auth/Auth';
import { AuthRule, canSeeModelOfTeam, requireAuthenticated } from '../auth/accessRules';
import { UserRole } from '../auth/UserRole';
import { ConnectionType, pageSize } from '../graphql/connection';
import type { ApiContext } from '../graphql/context';
import { ModelNode } from '../models/model.type';
import { configModelNode, storedModelNode } from '../models/ModelService';
import { AuditLogFilter } from './auditLog.input';
import { AuditLogNode } from './auditLog.type';
import { findVisibleAuditLog, isModelAuditEntry, listAuditLogs, type AuditLogPage } from './auditLogQueries';
import { maskAuditSnapshot } from './maskAuditSnapshot';

const AuditLogConnection = ConnectionType(AuditLogNode, 'AuditLog');
export const DEFAULT_MODEL_HISTORY_SIZE = 10;

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
    return listAuditLogs(context.em, requireAuthenticated(context.principal), filter, first, after);
  }

  @Query(() => AuditLogNode, { nullable: true, description: 'Null when absent or not visible to the caller.' })
  @Auth({ rule: AuthRule.AUDIT_READER })
  auditLog(@Arg('id', () => ID) id: string, @Ctx() context: ApiContext): Promise<AuditLogNode | null> {
    return findVisibleAuditLog(context.em, requireAuthenticated(context.principal), id);
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
    if (!isModelAuditEntry(entry)) return null;
    const principal = requireAuthenticated(context.principal);
    const configModel = context.services.configModels.find((model) => model.id === entry.objectId);
    const stored = configModel ? null : await context.loaders.storedModelById.load(entry.objectId);
    const node = configModel ? configModelNode(configModel) : stored ? storedModelNode(stored) : null;
    return node && canSeeModelOfTeam(principal, node.teamId) ? node : null;
  }
}

@Resolver(() => AuditLogConnection)
export class AuditLogConnectionResolver {
  @FieldResolver(() => Int)
  totalCount(@Root() page: AuditLogPage): Promise<number> {
    return page.countAll();
  }
}

@Resolver(() => ModelNode)
export class ModelHistoryResolver {
  @FieldResolver(() => [AuditLogNode], {
    nullable: true,
    description: "This model's audit entries, newest first. Null (with a FORBIDDEN error) where the caller may not read them, so one hidden history does not void a whole list.",
  })
  @Auth({ rule: AuthRule.AUDIT_READER })
  auditLogs(@Root() model: ModelNode, @Ctx() context: ApiContext, @Arg('first', () => Int, { nullable: true }) first?: number): Promise<AuditLogNode[]> {
    return context.loaders.modelAuditLogs(pageSize(first ?? DEFAULT_MODEL_HISTORY_SIZE), requireAuthenticated(context.principal)).load(model.id);
  }
}
