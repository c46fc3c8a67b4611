// The GraphQL shape of a model deployment, from the database or from the config file.
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import type { JsonObject } from '../database/entities/columns';
import type { TeamOwned } from '../auth/Auth';

export enum ModelSource {
  DB = 'DB',
  CONFIG = 'CONFIG',
}
registerEnumType(ModelSource, { name: 'ModelSource', description: 'Where a model is defined: the database (editable) or the config file (read-only).' });

@ObjectType('Model', { description: 'A model deployment. litellmParams come back decrypted with every secret masked.' })
export class ModelNode implements TeamOwned {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'The stored name (for team models `model_name_<team>_<uuid>`).' })
  modelName!: string;

  @Field({ description: 'The name clients call: team_public_model_name for team models, else modelName.' })
  publicModelName!: string;

  @Field(() => ModelSource)
  source!: ModelSource;

  @Field(() => ID, { nullable: true })
  teamId!: string | null;

  @Field(() => Date, { nullable: true })
  createdAt?: Date | null;

  @Field(() => String, { nullable: true })
  createdBy?: string | null;

  @Field(() => Date, { nullable: true })
  updatedAt?: Date | null;

  @Field(() => String, { nullable: true })
  updatedBy?: string | null;

  /** litellm_params as stored: ciphertext strings for DB models, plaintext for config models. */
  storedLitellmParams!: JsonObject;

  /** model_info as stored (never encrypted). */
  storedModelInfo!: JsonObject;
}

@ObjectType('DeleteModelPayload')
export class DeleteModelPayload {
  @Field(() => ID)
  id!: string;

  @Field()
  message!: string;

  @Field(() => ModelNode, { description: 'The model as it was just before it was deleted.' })
  model!: ModelNode;
}
