// A team (LiteLLM_TeamTable). Only the columns this API uses are mapped; budget columns keep their defaults.
import { Entity, OneToOne, PrimaryKey, Property, OptionalProps, PrimaryKeyProp } from '@mikro-orm/core';
import { TABLES } from '../tables';
import { jsonColumn, now, textArrayColumn, textColumn, timestampColumn, type JsonObject } from './columns';
import { TeamModelAliases } from './TeamModelAliases';

export type TeamMemberRole = 'admin' | 'user';

export interface TeamMember {
  user_id?: string | null;
  user_email?: string | null;
  role: TeamMemberRole;
}

@Entity({ tableName: TABLES.team })
export class Team {
  [PrimaryKeyProp]?: 'teamId';
  [OptionalProps]?: 'createdAt' | 'updatedAt' | 'membersWithRoles' | 'metadata' | 'blocked' | 'admins' | 'members' | 'models';

  @PrimaryKey({ ...textColumn, fieldName: 'team_id' })
  teamId!: string;

  @Property({ ...textColumn, fieldName: 'team_alias', nullable: true })
  teamAlias?: string | null;

  @Property({ ...textArrayColumn, nullable: true })
  admins?: string[] | null = [];

  @Property({ ...textArrayColumn, nullable: true })
  members?: string[] | null = [];

  /** A JSON list, despite the '{}' default the proxy's schema gives it. */
  @Property({ ...jsonColumn, fieldName: 'members_with_roles', default: "'{}'" })
  membersWithRoles: TeamMember[] | JsonObject = [];

  @Property({ ...jsonColumn, default: "'{}'" })
  metadata: JsonObject = {};

  @Property({ ...textArrayColumn, nullable: true })
  models?: string[] | null = [];

  @Property({ type: 'boolean', default: false })
  blocked: boolean = false;

  @Property({ ...timestampColumn, fieldName: 'created_at' })
  createdAt: Date = now();

  @Property({ ...timestampColumn, fieldName: 'updated_at' })
  updatedAt: Date = now();

  @OneToOne({ entity: () => TeamModelAliases, fieldName: 'model_id', nullable: true, owner: true, deleteRule: 'set null', unique: true })
  modelAliases?: TeamModelAliases | null;
}
