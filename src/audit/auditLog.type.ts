// The GraphQL shape of an audit-trail entry, and the builder of its nodes. Snapshot values come back with secrets masked.
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import type { StoredAuditEntry } from './AuditLogRepository';

/** Actions as the proxy writes them (lower case). */
export enum AuditAction {
  CREATED = 'created',
  UPDATED = 'updated',
  DELETED = 'deleted',
  BLOCKED = 'blocked',
  UNBLOCKED = 'unblocked',
  /** The proxy writes it for keys. */
  ROTATED = 'rotated',
  /** Any other action string found in the table (actionName holds it). */
  OTHER = 'other',
}
registerEnumType(AuditAction, {
  name: 'AuditAction',
  valuesConfig: { OTHER: { description: 'An action string this API does not know; AuditLog.actionName holds it. As a filter: every such entry.' } },
});

/** Every action string with a value of its own in AuditAction: the rest read as OTHER. */
export const KNOWN_AUDIT_ACTIONS: readonly string[] = Object.values(AuditAction).filter((action) => action !== AuditAction.OTHER);
const KNOWN_ACTIONS: ReadonlySet<string> = new Set(KNOWN_AUDIT_ACTIONS);

@ObjectType('AuditLog', { description: 'One change to one row, written in the same transaction as the change.', simpleResolvers: true })
export class AuditLogNode {
  @Field(() => ID)
  id!: string;

  @Field(() => AuditAction)
  action!: AuditAction;

  @Field({ description: 'The action as stored, e.g. `blocked`; the only way to tell OTHER actions apart.' })
  actionName!: string;

  @Field()
  tableName!: string;

  /** object_id as stored; the field resolver hides it where it is a key's hash (auditLog.resolver). */
  objectId!: string;

  @Field({ description: 'The user id of the caller who made the change.' })
  changedBy!: string;

  @Field(() => Date)
  updatedAt!: Date;

  /** changed_by_api_key: the sha256 of the key used. */
  storedChangedByApiKey!: string;
  /** before_value / updated_values as stored (ciphertext inside litellm_params; maybe JSON-encoded by an older proxy). */
  storedBeforeValue!: unknown;
  storedUpdatedValues!: unknown;
}

/** An instance of AuditLogNode, so that type-graphql passes it to field resolvers as is (see storedModelNode). */
export function auditLogNode(entry: StoredAuditEntry): AuditLogNode {
  return Object.assign(new AuditLogNode(), {
    id: entry.id,
    action: KNOWN_ACTIONS.has(entry.action) ? (entry.action as AuditAction) : AuditAction.OTHER,
    actionName: entry.action,
    tableName: entry.tableName,
    objectId: entry.objectId,
    changedBy: entry.changedBy,
    updatedAt: entry.updatedAt,
    storedChangedByApiKey: entry.changedByApiKey,
    storedBeforeValue: entry.beforeValue,
    storedUpdatedValues: entry.updatedValues,
  });
}
