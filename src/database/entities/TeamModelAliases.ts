// A team's model aliases (LiteLLM_ModelTable): {public name: stored model name}.
import { Entity, PrimaryKey, Property, OptionalProps } from '@mikro-orm/core';
import { TABLES } from '../tables';
import { jsonColumn, now, textColumn, timestampColumn } from './columns';

@Entity({ tableName: TABLES.teamModelAliases })
export class TeamModelAliases {
  [OptionalProps]?: 'createdAt' | 'updatedAt';

  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ ...jsonColumn, fieldName: 'aliases', nullable: true })
  aliases?: Record<string, string> | null;

  @Property({ ...timestampColumn, fieldName: 'created_at' })
  createdAt: Date = now();

  @Property({ ...textColumn, fieldName: 'created_by' })
  createdBy!: string;

  @Property({ ...timestampColumn, fieldName: 'updated_at' })
  updatedAt: Date = now();

  @Property({ ...textColumn, fieldName: 'updated_by' })
  updatedBy!: string;
}
