// The proxy's model-management rules: add, update, patch, delete and read model deployments.
// Every mutation runs in one transaction with the model row locked; the audit rows are written by
// the unit of work (audit/AuditSubscriber) inside that same transaction.
import { randomUUID } from 'node:crypto';
import { LockMode, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { auditedTransaction } from '../audit/auditedTransaction';
import { AuthRule, assertTeamAllowed, canSeeModelOfTeam } from '../auth/accessRules';
import type { AuthenticatedPrincipal } from '../auth/Principal';
import type { ConfigModel } from '../config/configFileModels';
import { encryptLitellmParams } from '../crypto/litellmParamsAtRest';
import type { JsonObject } from '../database/entities/columns';
import { ProxyModel } from '../database/entities/ProxyModel';
import { hydrateForReading } from '../database/hydrateForReading';
import { TABLES } from '../database/tables';
import { ApiError } from '../errors/ApiError';
import type { Services } from '../services';
import { mergeWhereNullKeeps, mergeWhereNullRemoves } from './mergePatch';
import type { AddModelInput, PatchModelInput, UpdateModelInput } from './model.input';
import { ModelNode, ModelSource } from './model.type';
import { attachModelToTeam, detachModelFromTeam, lockTeamsInOrder, publicNameOf, TEAM_PUBLIC_NAME_KEY, teamIdOf, teamModelStoredName } from './teamModels';
import { validateAddModelInput, validatePatchModelInput, validateUpdateModelInput, requireIdentifier } from './validateModelInput';
import { readRows } from '../database/readRows';

export class ModelService {
  constructor(
    private readonly em: EntityManager,
    private readonly services: Services,
  ) {}

  /** A model the caller may see, from the database or the config file; null otherwise. */
  async findVisible(principal: AuthenticatedPrincipal, rawId: string): Promise<ModelNode | null> {
    const id = requireIdentifier(rawId, 'id');
    const configModel = this.findConfigModel(id);
    const node = configModel ? configModelNode(configModel) : await this.findStored(id);
    return node && canSeeModelOfTeam(principal, node.teamId) ? node : null;
  }

  async findStored(id: string): Promise<ModelNode | null> {
    // A plain read: nothing here is changed, so the row skips the unit of work (see hydrateForReading).
    const [row] = await readRows(this.em, `SELECT * FROM "${TABLES.proxyModel}" WHERE model_id = ?`, [id]);
    return row ? storedModelNode(hydrateForReading(this.em, ProxyModel, row)) : null;
  }

  async add(principal: AuthenticatedPrincipal, input: AddModelInput): Promise<ModelNode> {
    const newModel = validateAddModelInput(input);
    assertTeamAllowed(principal, AuthRule.MODEL_MANAGER, newModel.teamId);
    const id = newModel.id ?? randomUUID();
    if (this.findConfigModel(id)) throw ApiError.conflict(`A model with id ${JSON.stringify(id)} is already defined in the config file.`);
    const encrypted = encryptLitellmParams(newModel.litellmParams, this.services.cipher);
    const actor = principal.userId;
    try {
      const model = await this.inTransaction(principal, async (em) => {
        // No look-up first: the primary key refuses a duplicate and the catch below turns it into CONFLICT.
        let modelName = newModel.modelName;
        const modelInfo: JsonObject = { ...newModel.modelInfo, id };
        if (newModel.teamId) {
          modelName = teamModelStoredName(newModel.teamId);
          modelInfo[TEAM_PUBLIC_NAME_KEY] = newModel.modelName;
          await attachModelToTeam(em, newModel.teamId, newModel.modelName, modelName, actor);
        }
        return em.create(ProxyModel, { modelId: id, modelName, litellmParams: encrypted, modelInfo, createdBy: actor, updatedBy: actor });
      });
      return storedModelNode(model);
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) throw duplicateId(id);
      throw error;
    }
  }

  /** POST /model/update: only litellm_params change; null values keep what is stored. */
  async update(principal: AuthenticatedPrincipal, input: UpdateModelInput): Promise<ModelNode> {
    const { id, litellmParams } = validateUpdateModelInput(input);
    const model = await this.inTransaction(principal, async (em) => {
      const model = await this.lockForChange(em, principal, id);
      const incoming = encryptLitellmParams(litellmParams, this.services.cipher);
      const merged = mergeWhereNullKeeps(model.litellmParams, incoming);
      if (!sameJson(merged, model.litellmParams)) {
        model.litellmParams = merged;
        touch(model, principal.userId);
      }
      return model;
    });
    return storedModelNode(model);
  }

  /** PATCH /model/{id}/update: modelName, litellmParams and modelInfo key by key; null removes a key. */
  async patch(principal: AuthenticatedPrincipal, rawId: string, rawPatch: PatchModelInput): Promise<ModelNode> {
    const id = requireIdentifier(rawId, 'id');
    const patch = validatePatchModelInput(rawPatch);
    const model = await this.inTransaction(principal, async (em) => {
      const model = await this.lockForChange(em, principal, id);
      const before = { modelName: model.modelName, modelInfo: model.modelInfo ?? {} };
      const oldTeam = teamIdOf(before.modelInfo);
      const oldPublicName = publicNameOf(before.modelName, before.modelInfo);

      let modelInfo = patch.modelInfo ? mergeWhereNullRemoves(before.modelInfo, patch.modelInfo) : before.modelInfo;
      const newTeam = teamIdOf(modelInfo);
      if (newTeam !== oldTeam) assertTeamAllowed(principal, AuthRule.MODEL_MANAGER, newTeam);
      let modelName = before.modelName;
      if (patch.modelName !== undefined) {
        // A team model's visible name is its public name; the stored name stays unique.
        if (oldTeam) modelInfo = { ...modelInfo, [TEAM_PUBLIC_NAME_KEY]: patch.modelName };
        else modelName = patch.modelName;
      }
      if (newTeam && !oldTeam) {
        modelInfo = { ...modelInfo, [TEAM_PUBLIC_NAME_KEY]: publicNameOf(modelName, modelInfo) };
        modelName = teamModelStoredName(newTeam);
      }
      const newPublicName = publicNameOf(modelName, modelInfo);
      // A move in the opposite direction at the same time would otherwise lock the two teams the other way round.
      if (oldTeam && newTeam && oldTeam !== newTeam) await lockTeamsInOrder(em, [oldTeam, newTeam]);
      if (oldTeam && (oldTeam !== newTeam || oldPublicName !== newPublicName)) {
        await detachModelFromTeam(em, oldTeam, { modelId: id, publicName: oldPublicName, storedName: before.modelName }, principal.userId);
      }
      if (newTeam && (oldTeam !== newTeam || oldPublicName !== newPublicName)) {
        await attachModelToTeam(em, newTeam, newPublicName, modelName, principal.userId);
      }
      const litellmParams = patch.litellmParams
        ? mergeWhereNullRemoves(model.litellmParams, encryptLitellmParams(patch.litellmParams, this.services.cipher))
        : model.litellmParams;

      const changed = modelName !== model.modelName || !sameJson(modelInfo, before.modelInfo) || !sameJson(litellmParams, model.litellmParams);
      if (changed) {
        Object.assign(model, { modelName, modelInfo, litellmParams });
        touch(model, principal.userId);
      }
      return model;
    });
    return storedModelNode(model);
  }

  /** POST /model/delete: removes the row; a team model also leaves its team's aliases and models. */
  async delete(principal: AuthenticatedPrincipal, rawId: string): Promise<ModelNode> {
    const id = requireIdentifier(rawId, 'id');
    let deleted: ModelNode | undefined;
    await this.inTransaction(principal, async (em) => {
      const model = await this.lockForChange(em, principal, id);
      deleted = storedModelNode(model);
      if (deleted.teamId) {
        await detachModelFromTeam(em, deleted.teamId, { modelId: id, publicName: deleted.publicModelName, storedName: model.modelName }, principal.userId);
      }
      em.remove(model);
    });
    return deleted!;
  }

  /** Locks the row (SELECT ... FOR UPDATE) so concurrent changes apply one after the other. */
  private async lockForChange(em: EntityManager, principal: AuthenticatedPrincipal, id: string): Promise<ProxyModel> {
    const model = await em.findOne(ProxyModel, { modelId: id }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
    if (!model) {
      const configModel = this.findConfigModel(id);
      if (configModel && canSeeModelOfTeam(principal, teamIdOf(configModel.modelInfo))) {
        throw ApiError.badInput(`Model ${JSON.stringify(id)} is defined in the config file ${this.services.configFile} and cannot be changed through the API.`);
      }
      throw ApiError.notFound('Model', id);
    }
    const teamId = teamIdOf(model.modelInfo);
    // A hidden model is reported as missing, so its existence is not revealed.
    if (!canSeeModelOfTeam(principal, teamId)) throw ApiError.notFound('Model', id);
    assertTeamAllowed(principal, AuthRule.MODEL_MANAGER, teamId);
    return model;
  }

  private inTransaction<T>(principal: AuthenticatedPrincipal, work: (em: EntityManager) => Promise<T>): Promise<T> {
    return auditedTransaction(this.em, principal, work);
  }

  private findConfigModel(id: string): ConfigModel | undefined {
    return this.services.configModels.find((model) => model.id === id);
  }
}

function duplicateId(id: string): ApiError {
  return ApiError.conflict(`A model with id ${JSON.stringify(id)} already exists.`);
}

function touch(model: ProxyModel, userId: string): void {
  model.updatedBy = userId;
  model.updatedAt = new Date();
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

// Nodes are instances of their GraphQL class: type-graphql hands a field resolver's @Root() over as is
// then, where it would copy a plain object into a new instance on every field of every row.
export function storedModelNode(model: ProxyModel): ModelNode {
  const modelInfo = model.modelInfo ?? {};
  return Object.assign(new ModelNode(), {
    id: model.modelId,
    modelName: model.modelName,
    publicModelName: publicNameOf(model.modelName, modelInfo),
    source: ModelSource.DB,
    teamId: teamIdOf(modelInfo),
    createdAt: model.createdAt,
    createdBy: model.createdBy,
    updatedAt: model.updatedAt,
    updatedBy: model.updatedBy,
    storedLitellmParams: model.litellmParams,
    storedModelInfo: modelInfo,
  });
}

export function configModelNode(model: ConfigModel): ModelNode {
  return Object.assign(new ModelNode(), {
    id: model.id,
    modelName: model.modelName,
    publicModelName: publicNameOf(model.modelName, model.modelInfo),
    source: ModelSource.CONFIG,
    teamId: teamIdOf(model.modelInfo),
    storedLitellmParams: model.litellmParams,
    storedModelInfo: model.modelInfo,
  });
}
