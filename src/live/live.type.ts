// The GraphQL shape of a model's change, as modelChanged sends it.
import { Field, ID, ObjectType } from 'type-graphql';
import { AuditAction } from '../audit/auditLog.type';
import { ModelNode } from '../models/model.type';

@ObjectType('ModelChange', { description: 'A change to a model, sent once the transaction that made it has committed.' })
export class ModelChangeNode {
  @Field(() => AuditAction)
  action!: AuditAction;

  @Field(() => ID)
  modelId!: string;

  @Field(() => ModelNode, { nullable: true, description: 'The model as it is now, read under the subscriber’s own rules; null after a delete.' })
  model!: ModelNode | null;

  /** The audit entry that records the change (ModelChange.auditLog reads it under the subscriber's rules). */
  auditLogId!: string;
}
