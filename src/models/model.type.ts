// The GraphQL shape of a model deployment, from the database or from the config file, and the builders of its nodes.
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import type { TeamOwned } from '../access/Auth';
import { UNDETERMINED_TEAM, type OwnerTeam } from '../access/TeamScope';
import type { ConfigModel } from '../config/configFileModels';
import { storedJsonObject, UNDECODABLE, type JsonObject } from '../database/types/storedJson';
import { publicNameOf } from '../teams/teamModels';
import { ownerTeamOfModelInfo } from './ownerTeam';
import type { StoredModel } from './ModelRepository';

export enum ModelSource {
  DB = 'DB',
  CONFIG = 'CONFIG',
}
registerEnumType(ModelSource, { name: 'ModelSource', description: 'Where a model is defined: the database (editable) or the config file (read-only).' });

// simpleResolvers: a plain data field is read by graphql's default resolver, which graphql-jit inlines, instead of a
// type-graphql wrapper called per field and row (no middleware is used). Field resolvers and @auth checks are kept.
@ObjectType('Model', { description: 'A model deployment. litellmParams come back decrypted with every secret masked.', simpleResolvers: true })
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

  @Field({ description: 'The proxy routes no traffic to a blocked model. Always false over an older proxy database, which has no such column.' })
  blocked!: boolean;

  /** The team the access rules see: teamId, or UNDETERMINED_TEAM for a model_info that does not say clearly. */
  ownerTeam!: OwnerTeam;

  @Field(() => Date, { nullable: true })
  createdAt?: Date | null;

  @Field(() => String, { nullable: true })
  createdBy?: string | null;

  @Field(() => Date, { nullable: true })
  updatedAt?: Date | null;

  @Field(() => String, { nullable: true })
  updatedBy?: string | null;

  /** litellm_params as stored: ciphertext strings for DB models, plaintext for config models; UNDECODABLE when not a JSON object. */
  storedLitellmParams!: JsonObject | typeof UNDECODABLE;

  /** model_info as stored (never encrypted); UNDECODABLE when not a JSON object. */
  storedModelInfo!: JsonObject | typeof UNDECODABLE;

  /**
   * What litellmParams and modelInfo answered, kept for the next read of this node (a node of an unchanged row is
   * used again, see storedModelNodes.ts). Only what any caller allowed the field sees: decrypted and masked.
   */
  presented: { litellmParams?: JsonObject; modelInfo?: unknown } = {};
}

@ObjectType('DeleteModelPayload', { simpleResolvers: true })
export class DeleteModelPayload {
  @Field(() => ID)
  id!: string;

  @Field()
  message!: string;

  @Field(() => ModelNode, { description: 'The model as it was just before it was deleted.' })
  model!: ModelNode;
}

/** A row as read or written: StoredModel, or the ProxyModel entity a mutation just changed. */
type StoredModelShape = Omit<StoredModel, 'modelInfo'> & { modelInfo?: unknown };

// Nodes are instances of their GraphQL class: type-graphql hands a field resolver's @Root() over as is
// then, where it would copy a plain object into a new instance on every field of every row.
export function storedModelNode(model: StoredModelShape): ModelNode {
  const modelInfo = storedJsonObject(model.modelInfo) ?? {};
  const ownerTeam = ownerTeamOfModelInfo(model.modelInfo);
  return Object.assign(new ModelNode(), {
    id: model.modelId,
    modelName: model.modelName,
    publicModelName: modelInfo === UNDECODABLE ? model.modelName : publicNameOf(model.modelName, modelInfo),
    source: ModelSource.DB,
    teamId: ownerTeam === UNDETERMINED_TEAM ? null : ownerTeam,
    blocked: model.blocked === true,
    ownerTeam,
    createdAt: model.createdAt,
    createdBy: model.createdBy,
    updatedAt: model.updatedAt,
    updatedBy: model.updatedBy,
    storedLitellmParams: storedJsonObject(model.litellmParams) ?? {},
    storedModelInfo: modelInfo,
  });
}

export function configModelNode(model: ConfigModel): ModelNode {
  const ownerTeam = ownerTeamOfModelInfo(model.modelInfo);
  return Object.assign(new ModelNode(), {
    id: model.id,
    modelName: model.modelName,
    publicModelName: publicNameOf(model.modelName, model.modelInfo),
    source: ModelSource.CONFIG,
    teamId: ownerTeam === UNDETERMINED_TEAM ? null : ownerTeam,
    blocked: false,
    ownerTeam,
    storedLitellmParams: model.litellmParams,
    storedModelInfo: model.modelInfo,
  });
}
