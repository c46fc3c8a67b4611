// An API key (LiteLLM_VerificationToken). `token` is the sha256 hex of the raw key; the key itself is never stored.
import { Entity, PrimaryKey, Property, OptionalProps, PrimaryKeyProp } from '@mikro-orm/core';
import { TABLES } from '../tables';
import { jsonColumn, now, textArrayColumn, textColumn, timestampColumn, type JsonObject } from './columns';

@Entity({ tableName: TABLES.verificationToken })
export class VerificationToken {
  [PrimaryKeyProp]?: 'token';
  [OptionalProps]?: 'createdAt' | 'updatedAt' | 'metadata' | 'models';

  @PrimaryKey({ ...textColumn })
  token!: string;

  @Property({ ...textColumn, fieldName: 'key_name', nullable: true })
  keyName?: string | null;

  @Property({ ...textColumn, fieldName: 'key_alias', nullable: true })
  keyAlias?: string | null;

  @Property({ ...textColumn, fieldName: 'user_id', nullable: true })
  userId?: string | null;

  @Property({ ...textColumn, fieldName: 'team_id', nullable: true })
  teamId?: string | null;

  @Property({ ...timestampColumn, nullable: true })
  expires?: Date | null;

  @Property({ type: 'boolean', nullable: true })
  blocked?: boolean | null;

  @Property({ ...textArrayColumn, nullable: true })
  models?: string[] | null = [];

  @Property({ ...jsonColumn, default: "'{}'" })
  metadata: JsonObject = {};

  @Property({ ...timestampColumn, fieldName: 'created_at', nullable: true })
  createdAt?: Date | null = now();

  @Property({ ...timestampColumn, fieldName: 'updated_at', nullable: true })
  updatedAt?: Date | null = now();

  @Property({ ...textColumn, fieldName: 'created_by', nullable: true })
  createdBy?: string | null;

  @Property({ ...textColumn, fieldName: 'updated_by', nullable: true })
  updatedBy?: string | null;
}
