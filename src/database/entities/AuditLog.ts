// One row of the audit trail (LiteLLM_AuditLog), written by audit/AuditSubscriber only.
import { Entity, PrimaryKey, Property, OptionalProps } from '@mikro-orm/core';
import { TABLES } from '../tables';
import { jsonColumn, now, textColumn, timestampColumn, type JsonObject } from './columns';

/** The actions this API writes (the proxy writes others too, for keys: see audit/auditLog.type.ts). */
export type AuditAction = 'created' | 'updated' | 'deleted' | 'blocked' | 'unblocked';

@Entity({ tableName: TABLES.auditLog })
export class AuditLog {
  [OptionalProps]?: 'updatedAt' | 'changedBy' | 'changedByApiKey';

  @PrimaryKey({ ...textColumn })
  id!: string;

  @Property({ ...timestampColumn, fieldName: 'updated_at' })
  updatedAt: Date = now();

  @Property({ ...textColumn, fieldName: 'changed_by', default: '' })
  changedBy: string = '';

  @Property({ ...textColumn, fieldName: 'changed_by_api_key', default: '' })
  changedByApiKey: string = '';

  @Property({ ...textColumn })
  action!: AuditAction;

  @Property({ ...textColumn, fieldName: 'table_name' })
  tableName!: string;

  @Property({ ...textColumn, fieldName: 'object_id' })
  objectId!: string;

  @Property({ ...jsonColumn, fieldName: 'before_value', nullable: true })
  beforeValue?: JsonObject | null;

  @Property({ ...jsonColumn, fieldName: 'updated_values', nullable: true })
  updatedValues?: JsonObject | null;
}
