// The subscriptions: modelChanged and auditLogAdded. Each event is read under the subscriber's own principal with
// the services the queries use (ModelService.findVisible, AuditLogService), so visibility, field rules and secret
// masking are exactly a query's.
import { Arg, Ctx, FieldResolver, Resolver, Root, Subscription } from 'type-graphql';
import { accessOf } from '../access/AccessGuard';
import { Auth } from '../access/Auth';
import { AuthRule } from '../access/accessRules';
import { AuditLogFilter } from '../audit/auditLog.input';
import { AuditLogNode, auditLogNode } from '../audit/auditLog.type';
import { AuditLogService, storedFilterOf } from '../audit/AuditLogService';
import { isModelAuditEntry } from '../audit/auditVisibility';
import { ApiError } from '../errors/ApiError';
import type { ApiContext } from '../graphql/context';
import { ModelService } from '../models/ModelService';
import { ownerTeamOfSnapshot } from '../models/ownerTeam';
import { ModelChangeFilter } from './live.input';
import { ModelChangeNode } from './live.type';
import { LiveFailure, liveEvents, type LiveContext } from './liveEvents';

/** Models one modelChanged may name in filter.ids. */
export const MAX_FILTER_IDS = 100;

interface SubscribeData<Args> {
  args: Args;
  context: unknown;
}

@Resolver(() => ModelChangeNode)
export class LiveResolver {
  @Subscription(() => ModelChangeNode, {
    description: 'Every committed change of a model the caller may see, on whichever instance it was made. Over graphql-ws at /graphql; the key goes in connection_init.',
    subscribe: ({ args, context }: SubscribeData<{ filter?: ModelChangeFilter | null }>) => modelChanges(liveContext(context), args.filter),
  })
  @Auth({ rule: AuthRule.MODEL_VIEWER })
  modelChanged(
    @Root() change: ModelChangeNode | LiveFailure,
    @Arg('filter', () => ModelChangeFilter, { nullable: true }) _filter?: ModelChangeFilter,
  ): ModelChangeNode {
    if (change instanceof LiveFailure) throw change.error;
    return change;
  }

  @Subscription(() => AuditLogNode, {
    description: 'Every committed audit entry the caller may read (as auditLogs), matching the filter.',
    subscribe: ({ args, context }: SubscribeData<{ filter?: AuditLogFilter | null }>) => auditLogsAdded(liveContext(context), args.filter),
  })
  @Auth({ rule: AuthRule.AUDIT_READER })
  auditLogAdded(@Root() entry: AuditLogNode | LiveFailure, @Arg('filter', () => AuditLogFilter, { nullable: true }) _filter?: AuditLogFilter): AuditLogNode {
    if (entry instanceof LiveFailure) throw entry.error;
    return entry;
  }

  @FieldResolver(() => AuditLogNode, { nullable: true, description: 'The audit entry of the change; null where the caller may not read the audit trail.' })
  auditLog(@Root() change: ModelChangeNode, @Ctx() context: ApiContext): Promise<AuditLogNode | null> {
    return new AuditLogService(context.em, accessOf(context)).findVisible(change.auditLogId);
  }
}

function modelChanges(context: LiveContext, filter: ModelChangeFilter | null | undefined) {
  if (filter?.ids && filter.ids.length > MAX_FILTER_IDS) throw ApiError.badInput(`filter.ids may name at most ${MAX_FILTER_IDS} models.`);
  return liveEvents(context, async (entry, eventContext) => {
    if (!isModelAuditEntry(entry)) return undefined;
    if (filter?.ids && !filter.ids.includes(entry.objectId)) return undefined;
    // The model's team before and after the change (a created model has no before, a deleted one no after).
    const teams = [entry.beforeValue, entry.updatedValues].filter((snapshot) => snapshot !== null && snapshot !== undefined).map(ownerTeamOfSnapshot);
    if (filter?.teamId && !teams.includes(filter.teamId)) return undefined;
    const access = accessOf(eventContext);
    const node = auditLogNode(entry);
    const model = entry.updatedValues === null ? null : await new ModelService(eventContext.em, eventContext.services, access).findVisible(entry.objectId);
    // A model the caller cannot see now is still theirs to hear about if they could see it before (it moved away, it was deleted).
    if (!model && !teams.some((team) => access.allows(AuthRule.MODEL_VIEWER, team))) return undefined;
    return Object.assign(new ModelChangeNode(), { action: node.action, modelId: entry.objectId, model, auditLogId: entry.id });
  });
}

function auditLogsAdded(context: LiveContext, filter: AuditLogFilter | null | undefined) {
  // Bad bounds are refused when subscribing, not on every event.
  storedFilterOf(filter);
  return liveEvents(context, async (entry, eventContext) => (await new AuditLogService(eventContext.em, accessOf(eventContext)).findVisibleMatching(entry.id, filter)) ?? undefined);
}

/** Subscriptions run only over graphql-ws, whose context is a LiveContext (HTTP refuses them before execution). */
function liveContext(context: unknown): LiveContext {
  const candidate = context as Partial<LiveContext>;
  if (!candidate.live) throw ApiError.badInput('Subscriptions are served over WebSocket (graphql-ws) at /graphql.');
  return candidate as LiveContext;
}
