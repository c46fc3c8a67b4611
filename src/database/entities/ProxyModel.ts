// A model deployment stored in the database (LiteLLM_ProxyModelTable).
import { Entity, PrimaryKey, Property, OptionalProps, PrimaryKeyProp } from '@mikro-orm/core';
import { TABLES } from '../tables';
import { jsonColumn, now, textColumn, timestampColumn, type JsonObject } from './columns';

@Entity({ tableName: TABLES.proxyModel })
export class ProxyModel {
  [PrimaryKeyProp]?: 'modelId';
  [OptionalProps]?: 'createdAt' | 'updatedAt' | 'blocked';

  @PrimaryKey({ ...textColumn, fieldName: 'model_id' })
  modelId!: string;

  @Property({ ...textColumn, fieldName: 'model_name' })
  modelName!: string;

  /** String values are ciphertext (see crypto/AtRestCipher). */
  @Property({ ...jsonColumn, fieldName: 'litellm_params' })
  litellmParams!: JsonObject;

  @Property({ ...jsonColumn, fieldName: 'model_info', nullable: true })
  modelInfo?: JsonObject | null;

  /** The proxy routes no traffic to a blocked model. Unmapped over an older proxy's table, which lacks it (ormOptions). */
  @Property({ type: 'boolean', default: false })
  blocked: boolean = false;

  @Property({ ...timestampColumn, fieldName: 'created_at' })
  createdAt: Date = now();

  @Property({ ...textColumn, fieldName: 'created_by' })
  createdBy!: string;

  @Property({ ...timestampColumn, fieldName: 'updated_at' })
  updatedAt: Date = now();

  @Property({ ...textColumn, fieldName: 'updated_by' })
  updatedBy!: string;
}
