// GraphQL for model deployments: translates to ModelService calls and back.
import { ApiError } from '../errors/ApiError';
import DataLoader from 'dataloader';
import { GraphQLJSON } from 'graphql-scalars';
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { accessOf } from '../access/AccessGuard';
import { Auth } from '../access/Auth';
import { AuthRule } from '../access/accessRules';
import { UserRole } from '../access/UserRole';
import { CredentialNode } from '../credentials/credential.type';
import { maskSecrets } from '../crypto/maskSecrets';
import { UNDECODABLE } from '../database/types/storedJson';
import { ConnectionType } from '../graphql/connection';
import type { ApiContext, ApiLoaderFactory } from '../graphql/context';

import { TeamNode } from '../teams/team.type';
import { teamById } from '../teams/TeamRepository';
import { teamNode } from '../teams/teamNode';
import { AddModelInput, ModelFilter, PatchModelInput, UpdateModelInput } from './model.input';
import { DeleteModelPayload, ModelNode, ModelSource } from './model.type';
import { ModelRepository } from './ModelRepository';
import { readModel } from './storedModelNodes';
import { ModelService } from './ModelService';
import { presentLitellmParams } from './presentLitellmParams';
import { revealWith, STORED_CREDENTIAL_KEY } from './privilegedKeys';

/** The optional argument of every mutation of one model (restoreModel's too): a form sends the updatedAt it loaded. */
export const EXPECTED_UPDATED_AT = { nullable: true, description: 'The updatedAt last read: CONFLICT, changing nothing, if the model changed since.' };

export const { Connection: ModelConnection, TotalCountResolver: ModelConnectionTotalCount } = ConnectionType(ModelNode, 'Model');

/** The models naming each stored credential, read once per request for every Credential.models asked for. */
const modelsByStoredCredential: ApiLoaderFactory<string, ModelNode[]> = (context) =>
  new DataLoader(async (names) => {
    const byName = await service(context).byStoredCredential();
    return names.map((name) => byName.get(name) ?? []);
  });

/** Database models by id, batched per request (AuditLog.model). */
export const storedModelById: ApiLoaderFactory<string, ModelNode | null> = (context) => {
  const models = new ModelRepository(context.em, context.services.schema);
  return new DataLoader(async (ids) => (await models.findByIds(ids)).map((row) => row && readModel(context.services.rowMemos, row).node));
};

@Resolver(() => ModelNode)
export class ModelResolver {
  @Query(() => ModelNode, { nullable: true, description: 'Null when there is no such model or the caller may not see it.' })
  @Auth({ rule: AuthRule.MODEL_VIEWER })
  model(@Arg('id', () => ID) id: string, @Ctx() context: ApiContext): Promise<ModelNode | null> {
    return service(context).findVisible(id);
  }

  @Query(() => ModelConnection, { description: 'Database and config-file models the caller may see.' })
  @Auth({ rule: AuthRule.MODEL_VIEWER })
  models(
    @Ctx() context: ApiContext,
    @Arg('filter', () => ModelFilter, { nullable: true }) filter?: ModelFilter,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ) {
    return service(context).list(filter, first, after);
  }

  @Mutation(() => ModelNode, { description: 'POST /model/new' })
  @Auth({ rule: AuthRule.MODEL_MANAGER })
  addModel(@Arg('input', () => AddModelInput) input: AddModelInput, @Ctx() context: ApiContext): Promise<ModelNode> {
    return service(context).add(input);
  }

  @Mutation(() => ModelNode, { description: 'POST /model/update' })
  @Auth({ rule: AuthRule.MODEL_MANAGER })
  updateModel(
    @Arg('input', () => UpdateModelInput) input: UpdateModelInput,
    @Ctx() context: ApiContext,
    @Arg('expectedUpdatedAt', () => Date, EXPECTED_UPDATED_AT) expectedUpdatedAt?: Date,
  ): Promise<ModelNode> {
    return service(context).update(input, expectedUpdatedAt);
  }

  @Mutation(() => ModelNode, { description: 'PATCH /model/{id}/update' })
  @Auth({ rule: AuthRule.MODEL_MANAGER })
  patchModel(
    @Arg('id', () => ID) id: string,
    @Arg('patch', () => PatchModelInput) patch: PatchModelInput,
    @Ctx() context: ApiContext,
    @Arg('expectedUpdatedAt', () => Date, EXPECTED_UPDATED_AT) expectedUpdatedAt?: Date,
  ): Promise<ModelNode> {
    return service(context).patch(id, patch, expectedUpdatedAt);
  }

  @Mutation(() => ModelNode, { description: 'POST /model/block: the proxy routes no traffic to a blocked model. A no-op when it is blocked already.' })
  @Auth({ requires: [UserRole.PROXY_ADMIN] })
  blockModel(
    @Arg('id', () => ID) id: string,
    @Ctx() context: ApiContext,
    @Arg('expectedUpdatedAt', () => Date, EXPECTED_UPDATED_AT)
    expectedUpdatedAt?: Date,
  ): Promise<ModelNode> {
    return service(context).setBlocked(id, true, expectedUpdatedAt);
  }

  @Mutation(() => ModelNode, { description: 'POST /model/unblock. A no-op when it is not blocked.' })
  @Auth({ requires: [UserRole.PROXY_ADMIN] })
  unblockModel(
    @Arg('id', () => ID) id: string,
    @Ctx() context: ApiContext,
    @Arg('expectedUpdatedAt', () => Date, EXPECTED_UPDATED_AT)
    expectedUpdatedAt?: Date,
  ): Promise<ModelNode> {
    return service(context).setBlocked(id, false, expectedUpdatedAt);
  }

  @Mutation(() => DeleteModelPayload, { description: 'POST /model/delete' })
  @Auth({ rule: AuthRule.MODEL_MANAGER })
  async deleteModel(
    @Arg('id', () => ID) id: string,
    @Ctx() context: ApiContext,
    @Arg('expectedUpdatedAt', () => Date, EXPECTED_UPDATED_AT) expectedUpdatedAt?: Date,
  ): Promise<DeleteModelPayload> {
    const model = await service(context).delete(id, expectedUpdatedAt);
    return { id: model.id, message: `Model ${model.id} deleted.`, model };
  }

  @FieldResolver(() => GraphQLJSON, { nullable: true, description: 'Decrypted, with every secret masked.' })
  @Auth({ rule: AuthRule.TEAM_MEMBER })
  litellmParams(@Root() model: ModelNode, @Ctx() { services }: ApiContext): unknown {
    if (model.storedLitellmParams === UNDECODABLE) throw ApiError.unreadableStoredValue('litellm_params', model.id);
    return (model.presented.litellmParams ??= presentLitellmParams(model.storedLitellmParams, services.presentedValues, model.source === ModelSource.DB));
  }

  @FieldResolver(() => String, { nullable: true, description: 'litellm_params.litellm_credential_name: the stored credential the model uses (see `credentials`).' })
  @Auth({ rule: AuthRule.TEAM_MEMBER })
  credentialName(@Root() model: ModelNode, @Ctx() { services }: ApiContext): string | null {
    if (model.storedLitellmParams === UNDECODABLE) return null;
    const reveal = revealWith(model.source === ModelSource.DB ? services.cipher : undefined);
    const name = STORED_CREDENTIAL_KEY.read({ litellmParams: model.storedLitellmParams, modelInfo: null, blocked: false }, reveal);
    return typeof name === 'string' ? name : null;
  }

  @FieldResolver(() => GraphQLJSON, { nullable: true })
  modelInfo(@Root() model: ModelNode): unknown {
    if (model.storedModelInfo === UNDECODABLE) throw ApiError.unreadableStoredValue('model_info', model.id);
    return (model.presented.modelInfo ??= maskSecrets(model.storedModelInfo));
  }

  @FieldResolver(() => TeamNode, { nullable: true })
  async team(@Root() model: ModelNode, @Ctx() context: ApiContext): Promise<TeamNode | null> {
    if (!model.teamId) return null;
    const team = await context.loaders.get(teamById).load(model.teamId);
    return team ? teamNode(team) : null;
  }
}

@Resolver(() => CredentialNode)
export class CredentialModelsResolver {
  @FieldResolver(() => [ModelNode], { description: 'The models whose litellm_params.litellm_credential_name is this credential.' })
  models(@Root() credential: CredentialNode, @Ctx() context: ApiContext): Promise<ModelNode[]> {
    return context.loaders.get(modelsByStoredCredential).load(credential.name);
  }
}

function service(context: ApiContext): ModelService {
  return new ModelService(context.em, context.services, accessOf(context));
}
