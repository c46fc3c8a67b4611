// A proxy user (LiteLLM_UserTable): the role of every key that belongs to it.
import { Entity, PrimaryKey, Property, OptionalProps, PrimaryKeyProp } from '@mikro-orm/core';
import { TABLES } from '../tables';
import { jsonColumn, now, textArrayColumn, textColumn, timestampColumn, type JsonObject } from './columns';

@Entity({ tableName: TABLES.user })
export class User {
  [PrimaryKeyProp]?: 'userId';
  [OptionalProps]?: 'createdAt' | 'updatedAt' | 'metadata' | 'teams';

  @PrimaryKey({ ...textColumn, fieldName: 'user_id' })
  userId!: string;

  @Property({ ...textColumn, fieldName: 'user_role', nullable: true })
  userRole?: string | null;

  @Property({ ...textColumn, fieldName: 'user_email', nullable: true })
  userEmail?: string | null;

  @Property({ ...textArrayColumn, nullable: true })
  teams?: string[] | null = [];

  @Property({ ...jsonColumn, default: "'{}'" })
  metadata: JsonObject = {};

  @Property({ ...timestampColumn, fieldName: 'created_at', nullable: true })
  createdAt?: Date | null = now();

  @Property({ ...timestampColumn, fieldName: 'updated_at', nullable: true })
  updatedAt?: Date | null = now();
}
