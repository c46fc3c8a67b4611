// The GraphQL shape of an audit-trail entry, and the builder of its nodes. Snapshot values come back with secrets masked.
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import type { StoredAuditEntry } from './AuditLogRepository';

export enum AuditAction {
  CREATED = 'created',
  UPDATED = 'updated',
  DELETED = 'deleted',
  /** The proxy also writes these for keys. */
  BLOCKED = 'blocked',
  ROTATED = 'rotated',
}
registerEnumType(AuditAction, { name: 'AuditAction' });

@ObjectType('AuditLog', { description: 'One change to one row, written in the same transaction as the change.' })
export class AuditLogNode {
  @Field(() => ID)
  id!: string;

  @Field(() => AuditAction)
  action!: AuditAction;

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
    action: entry.action as AuditAction,
    tableName: entry.tableName,
    objectId: entry.objectId,
    changedBy: entry.changedBy,
    updatedAt: entry.updatedAt,
    storedChangedByApiKey: entry.changedByApiKey,
    storedBeforeValue: entry.beforeValue,
    storedUpdatedValues: entry.updatedValues,
  });
}
