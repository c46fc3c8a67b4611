// A stored credential (LiteLLM_CredentialsTable), which a model names in litellm_params.litellm_credential_name.
// Its values are encrypted at rest like litellm_params and never leave the server.
import { Entity, PrimaryKey, Property, OptionalProps, PrimaryKeyProp } from '@mikro-orm/core';
import { TABLES } from '../tables';
import { jsonColumn, now, textColumn, timestampColumn, type JsonObject } from './columns';

@Entity({ tableName: TABLES.credentials })
export class Credential {
  [PrimaryKeyProp]?: 'credentialId';
  [OptionalProps]?: 'createdAt' | 'updatedAt';

  @PrimaryKey({ ...textColumn, fieldName: 'credential_id' })
  credentialId!: string;

  @Property({ ...textColumn, fieldName: 'credential_name', unique: true })
  credentialName!: string;

  @Property({ ...jsonColumn, fieldName: 'credential_values' })
  credentialValues!: JsonObject;

  @Property({ ...jsonColumn, fieldName: 'credential_info', nullable: true })
  credentialInfo?: JsonObject | null;

  @Property({ ...timestampColumn, fieldName: 'created_at' })
  createdAt: Date = now();

  @Property({ ...textColumn, fieldName: 'created_by' })
  createdBy!: string;

  @Property({ ...timestampColumn, fieldName: 'updated_at' })
  updatedAt: Date = now();

  @Property({ ...textColumn, fieldName: 'updated_by' })
  updatedBy!: string;
}
