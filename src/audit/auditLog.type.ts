// The GraphQL shape of an audit-trail entry. Snapshot values come back with secrets masked.
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import type { JsonObject } from '../database/entities/columns';

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

  @Field(() => ID)
  objectId!: string;

  @Field({ description: 'The user id of the caller who made the change.' })
  changedBy!: string;

  @Field(() => Date)
  updatedAt!: Date;

  /** changed_by_api_key: the sha256 of the key used. */
  storedChangedByApiKey!: string;
  /** before_value / updated_values as stored (ciphertext inside litellm_params). */
  storedBeforeValue!: JsonObject | null;
  storedUpdatedValues!: JsonObject | null;
}
