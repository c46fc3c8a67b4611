// The GraphQL shape of one leaf an audit entry changed (AuditLog.changes).
import { GraphQLJSON } from 'graphql-scalars';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { AuditChangeKind } from './auditChanges';

registerEnumType(AuditChangeKind, { name: 'AuditChangeKind', description: 'ADDED: absent (or null) before; REMOVED: absent (or null) after.' });

@ObjectType('AuditChange', { description: 'One leaf that differs between beforeValue and updatedValues, secrets masked on both sides.' })
export class AuditChangeNode {
  @Field(() => [String], { description: 'The column, then the keys down to the leaf, e.g. ["litellm_params", "api_key"].' })
  path!: string[];

  @Field(() => GraphQLJSON, { nullable: true })
  before!: unknown;

  @Field(() => GraphQLJSON, { nullable: true })
  after!: unknown;

  @Field(() => AuditChangeKind)
  kind!: AuditChangeKind;
}
