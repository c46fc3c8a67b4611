// Filters of the auditLogs query.
import { Field, ID, InputType } from 'type-graphql';
import { AuditAction } from './auditLog.type';

@InputType()
export class AuditLogFilter {
  @Field(() => ID, { nullable: true })
  objectId?: string | null;

  @Field(() => AuditAction, { nullable: true })
  action?: AuditAction | null;

  @Field(() => String, { nullable: true, description: 'LiteLLM_ProxyModelTable also matches entries older proxies wrote as LiteLLM_ModelTable.' })
  tableName?: string | null;

  @Field(() => String, { nullable: true })
  changedBy?: string | null;

  @Field(() => Date, { nullable: true, description: 'Entries at or after this time.' })
  since?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Entries before this time.' })
  until?: Date | null;
}
