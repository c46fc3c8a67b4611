// The proxy's model-management rules: add, update, patch, delete, block, restore and read model deployments, for one request's
// caller. Every row is checked with the request's AccessGuard and every change against the privileged keys; every
// mutation runs in one transaction with the model row locked, and the unit of work writes its audit rows
// (audit/AuditSubscriber) and re-checks every model it changes (ModelChangeGuard) inside that same transaction.
import { randomUUID } from 'node:crypto';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AccessGuard } from '../access/AccessGuard';
import { AuthRule } from '../access/accessRules';
import { UNDETERMINED_TEAM, type OwnerTeam } from '../access/TeamScope';
import { auditedTransaction } from '../request/auditedTransaction';
import type { ConfigModel } from '../config/configFileModels';
import { CREDENTIAL_NAME_PARAM } from '../credentials/credentialReference';
import { CredentialService } from '../credentials/CredentialService';
import { encryptLitellmParams } from '../crypto/litellmParamsAtRest';
import type { JsonObject } from '../database/entities/columns';
import { ProxyModel } from '../database/entities/ProxyModel';
import { Team } from '../database/entities/Team';
import { TABLES } from '../database/tables';
import { storedJsonObject, UNDECODABLE } from '../database/types/storedJson';
import { isoTimestamp } from '../database/utcTimestamps';
import { ApiError } from '../errors/ApiError';
import type { AppServices } from '../graphql/context';
import { decodeCursor, encodeCursor, pageSize, toConnection, type Connection } from '../graphql/connection';
import {
  attachModelToTeam,
  proxyRoutesThroughTeamAliases,
  detachModelFromTeam,
  isTeamModelStoredName,
  lockTeamsInOrder,
  publicNameOf,
  TEAM_PUBLIC_NAME_KEY,
  teamModelStoredName,
} from '../teams/teamModels';
import { mergeWhereNullKeeps, mergeWhereNullRemoves } from './mergePatch';
import type { AddModelInput, ModelFilter, PatchModelInput, UpdateModelInput } from './model.input';
import { configModelNode, ModelNode, ModelSource, storedModelNode } from './model.type';
import { ModelRepository, type StoredModelFilter } from './ModelRepository';
import { readModel, type ReadModel } from './storedModelNodes';
import { ownerTeamOfModelInfo } from './ownerTeam';
import {
  assertMayChangePrivilegedKeys,
  changedPrivilegedKeys,
  NEW_MODEL_STATE,
  revealWith,
  STORED_CREDENTIAL_KEY,
  type PrivilegedState,
  type RevealParam,
} from './privilegedKeys';
import { requireIdentifier, validateAddModelInput, validateModelFilter, validatePatchModelInput, validateUpdateModelInput } from './validateModelInput';

/** The row restoreModel puts back: an audit snapshot's, litellm_params as they are to be stored (every string encrypted). */
export interface RestoredModelState {
  modelId: string;
  modelName: string;
  litellmParams: JsonObject;
  modelInfo: JsonObject | null;
  /** Absent in a snapshot of an older proxy's table: the model's current value stays. */
  blocked?: boolean;
  /** The original creation, kept when the model is created again. */
  createdAt?: Date;
  createdBy?: string;
}

export interface RestoreOptions {
  /** The entry is a `deleted` one: only a model that is gone may be put back, never one holding its id again. */
  undelete: boolean;
  /** CONFLICT, changing nothing, when the row's updated_at differs. */
  expectedUpdatedAt?: Date | null;
  /** The owning team of the model's last known state (the newest audit entry), checked when the model is gone. */
  lastKnownOwner?: OwnerTeam;
  /** Runs inside the transaction once the restored row and its audit entry are flushed. */
  remember(em: EntityManager): Promise<void>;
}

/** Position in `models`: config-file models first (in file order), then database models by (created_at, model_id). */
type ModelCursor = { config: number } | { createdAt: string; id: string };

export class ModelService {
  private readonly models: ModelRepository;
  private readonly credentials: CredentialService;
  private readonly reveal: RevealParam;
  /** Whether the proxy beside this API needs the team's aliases (teamModels.ts says why not a current one). */
  private readonly teamAliases: boolean;

  constructor(
    private readonly em: EntityManager,
    private readonly services: AppServices,
    private readonly access: AccessGuard,
  ) {
    this.models = new ModelRepository(em, services.schema);
    this.credentials = new CredentialService(em, services.schema);
    this.reveal = revealWith(services.cipher);
    this.teamAliases = proxyRoutesThroughTeamAliases(services.schema);
  }

  /** A model the caller may see, from the database or the config file; null otherwise. */
  async findVisible(rawId: string): Promise<ModelNode | null> {
    const id = requireIdentifier(rawId, 'id');
    const configModel = this.findConfigModel(id);
    const stored = configModel ? null : await this.models.findById(id);
    const node = configModel ? configModelNode(configModel) : stored && readModel(this.services.rowMemos, stored).node;
    return node && this.access.allows(AuthRule.MODEL_VIEWER, node.ownerTeam) ? node : null;
  }

  /** The `models` query: config-file models, then database models, keyset-paginated, within the caller's scope. */
  async list(filter: ModelFilter | null | undefined, first: number | null | undefined, after: string | null | undefined): Promise<Connection<ModelNode>> {
    validateModelFilter(filter);
    const limit = pageSize(first);
    const cursor = after ? decodeCursor(after, isModelCursor) : undefined;
    const scope = this.access.scope(AuthRule.MODEL_VIEWER);

    const configNodes = filter?.source === ModelSource.DB ? [] : this.matchingConfigModels(filter);
    const configStart = cursor && 'config' in cursor ? cursor.config + 1 : cursor ? configNodes.length : 0;
    const configPage = configNodes.slice(configStart, configStart + limit + 1);

    const wantsStored = filter?.source !== ModelSource.CONFIG;
    const storedFilter: StoredModelFilter = { teamId: filter?.teamId ?? undefined, publicName: filter?.modelName ?? undefined, blocked: filter?.blocked ?? undefined };
    const storedRoom = Math.max(limit + 1 - configPage.length, 0);
    const storedAfter = cursor && 'createdAt' in cursor ? { createdAt: new Date(cursor.createdAt), modelId: cursor.id } : undefined;
    const storedPage = wantsStored && storedRoom > 0 ? await this.models.page(scope, storedFilter, storedAfter, storedRoom) : [];

    const items: ReadModel[] = [
      ...configPage.map(({ node, index }) => ({ node, cursor: encodeCursor({ config: index } satisfies ModelCursor) })),
      ...storedPage.map((row) => readModel(this.services.rowMemos, row)),
    ];
    const countAll = async () => configNodes.length + (wantsStored ? await this.models.count(scope, storedFilter) : 0);
    return toConnection(items, limit, countAll, (item) => item.cursor, (item) => item.node);
  }

  async add(input: AddModelInput): Promise<ModelNode> {
    const newModel = validateAddModelInput(input);
    this.access.assert(AuthRule.MODEL_MANAGER, newModel.teamId);
    const id = newModel.id ?? randomUUID();
    // Taken by a config-file model, a hidden model or a visible one: the same answer, so it reveals nothing.
    if (this.findConfigModel(id)) throw unavailableId(id);
    const encrypted = encryptLitellmParams(newModel.litellmParams, this.services.cipher);
    const actor = this.access.principal.userId;
    try {
      const model = await this.inTransaction(async (em) => {
        // No look-up first: the primary key refuses a duplicate and the catch below turns it into CONFLICT.
        let modelName = newModel.modelName;
        const modelInfo: JsonObject = { ...newModel.modelInfo, id };
        await this.checkPrivilegedChange(em, NEW_MODEL_STATE, { litellmParams: encrypted, modelInfo, blocked: false });
        if (newModel.teamId) {
          modelName = teamModelStoredName(newModel.teamId);
          modelInfo[TEAM_PUBLIC_NAME_KEY] = newModel.modelName;
          await attachModelToTeam(em, newModel.teamId, { publicName: newModel.modelName, storedName: modelName }, this.teamAliases, actor);
        }
        return em.create(ProxyModel, { modelId: id, modelName, litellmParams: encrypted, modelInfo, createdBy: actor, updatedBy: actor });
      });
      return storedModelNode(model);
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) throw unavailableId(id);
      throw error;
    }
  }

  /** POST /model/update: only litellm_params change; null values keep what is stored. */
  async update(input: UpdateModelInput, expectedUpdatedAt?: Date | null): Promise<ModelNode> {
    const { id, litellmParams } = validateUpdateModelInput(input);
    const model = await this.inTransaction(async (em) => {
      const model = await this.lockForChange(em, id, expectedUpdatedAt);
      const incoming = encryptLitellmParams(litellmParams, this.services.cipher);
      const merged = mergeWhereNullKeeps(model.litellmParams, incoming);
      await this.checkPrivilegedChange(em, stateOf(model), { ...stateOf(model), litellmParams: merged });
      if (!sameJson(merged, model.litellmParams)) {
        model.litellmParams = merged;
        this.touch(model);
      }
      return model;
    });
    return storedModelNode(model);
  }

  /** PATCH /model/{id}/update: modelName, litellmParams and modelInfo key by key; null removes a key. */
  async patch(rawId: string, rawPatch: PatchModelInput, expectedUpdatedAt?: Date | null): Promise<ModelNode> {
    const id = requireIdentifier(rawId, 'id');
    const patch = validatePatchModelInput(rawPatch);
    const actor = this.access.principal.userId;
    const model = await this.inTransaction(async (em) => {
      const model = await this.lockForChange(em, id, expectedUpdatedAt);
      const before = { modelName: model.modelName, modelInfo: model.modelInfo ?? {} };
      const oldTeam = ownerTeamOfModelInfo(before.modelInfo);
      const oldPublicName = publicNameOf(before.modelName, before.modelInfo);

      let modelInfo = patch.modelInfo ? mergeWhereNullRemoves(before.modelInfo, patch.modelInfo) : before.modelInfo;
      const newTeam = ownerTeamOfModelInfo(modelInfo);
      if (newTeam !== oldTeam) this.access.assert(AuthRule.MODEL_MANAGER, newTeam);
      const litellmParams = patch.litellmParams
        ? mergeWhereNullRemoves(model.litellmParams, encryptLitellmParams(patch.litellmParams, this.services.cipher))
        : model.litellmParams;
      await this.checkPrivilegedChange(em, stateOf(model), { litellmParams, modelInfo, blocked: model.blocked });

      let modelName = before.modelName;
      if (patch.modelName !== undefined && !(oldTeam && isOwnStoredName(patch.modelName, before.modelName, oldTeam))) {
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
        await this.detach(em, id, oldTeam, oldPublicName, before.modelName);
      }
      if (newTeam && (oldTeam !== newTeam || oldPublicName !== newPublicName)) {
        await attachModelToTeam(em, newTeam, { publicName: newPublicName, storedName: modelName }, this.teamAliases, actor);
      }

      const changed = modelName !== model.modelName || !sameJson(modelInfo, before.modelInfo) || !sameJson(litellmParams, model.litellmParams);
      if (changed) {
        Object.assign(model, { modelName, modelInfo, litellmParams });
        this.touch(model);
      }
      return model;
    });
    return storedModelNode(model);
  }

  /** POST /model/delete: removes the row; a team model also leaves its team's aliases and models. */
  async delete(rawId: string, expectedUpdatedAt?: Date | null): Promise<ModelNode> {
    const id = requireIdentifier(rawId, 'id');
    let deleted: ModelNode | undefined;
    await this.inTransaction(async (em) => {
      const model = await this.lockForChange(em, id, expectedUpdatedAt);
      deleted = storedModelNode(model);
      if (deleted.teamId) await this.detach(em, id, deleted.teamId, deleted.publicModelName, model.modelName);
      em.remove(model);
    });
    return deleted!;
  }

  /**
   * POST /model/block and /model/unblock, proxy admins only: sets `blocked`, a no-op when the model is so already.
   * Refused over an older proxy's table, which has no such column.
   */
  async setBlocked(rawId: string, blocked: boolean, expectedUpdatedAt?: Date | null): Promise<ModelNode> {
    const id = requireIdentifier(rawId, 'id');
    if (!this.services.schema.modelBlockedColumn) {
      throw ApiError.badInput(
        `Models cannot be ${blocked ? 'blocked' : 'unblocked'} on this database: its ${TABLES.proxyModel} has no \`blocked\` column ` +
          '(an older LiteLLM proxy created it, and such a proxy would not honour the flag). Upgrade the proxy, whose migration adds the column, then restart this API.',
      );
    }
    const model = await this.inTransaction(async (em) => {
      const model = await this.lockForChange(em, id, expectedUpdatedAt);
      if (model.blocked !== blocked) {
        await this.checkPrivilegedChange(em, stateOf(model), { ...stateOf(model), blocked });
        model.blocked = blocked;
        this.touch(model);
      }
      return model;
    });
    return storedModelNode(model);
  }

  /**
   * restoreModel: puts the model in `target` (a row of its audit trail), in one transaction with the row locked. Team
   * membership follows as a patch moving the model would; a model that is gone is created again with its id (undelete).
   * A restore to the state the model is in writes nothing. `options.remember` runs in the same transaction, after the
   * change and its audit row are flushed.
   */
  async restore(target: RestoredModelState, options: RestoreOptions): Promise<ModelNode> {
    const id = target.modelId;
    if (this.findConfigModel(id)) throw ApiError.badInput(`Model ${JSON.stringify(id)} is defined in the config file and cannot be changed through the API.`);
    const newTeam = ownerTeamOfModelInfo(target.modelInfo);
    if (newTeam === UNDETERMINED_TEAM) throw ApiError.badInput(`The restored state of model ${JSON.stringify(id)} has a model_info.team_id that is not a team id.`);
    this.access.assert(AuthRule.MODEL_MANAGER, newTeam);
    try {
      const model = await this.inTransaction(async (em) => {
        const existing = await this.models.lockForChange(em, id);
        if (existing && options.undelete) throw await this.idInUseAgain(em, existing);
        if (newTeam && !(await em.findOne(Team, { teamId: newTeam }))) {
          throw ApiError.badInput(`Model ${JSON.stringify(id)} cannot be restored to this entry: its team ${JSON.stringify(newTeam)} no longer exists.`);
        }
        const model = existing ? await this.restoreInPlace(em, existing, target, options) : await this.createAgain(em, target, options);
        await em.flush();
        await options.remember(em);
        return model;
      });
      return storedModelNode(model);
    } catch (error) {
      // Another request created a model with this id meanwhile: its insert won.
      if (error instanceof UniqueConstraintViolationException) {
        throw ApiError.conflict(`Model ${JSON.stringify(id)} cannot be undeleted: a model with its id was created meanwhile. Nothing was changed.`);
      }
      throw error;
    }
  }

  /** restore over the locked row: the checks of any change, then the teams' membership as a moving patch changes it. */
  private async restoreInPlace(em: EntityManager, model: ProxyModel, target: RestoredModelState, options: RestoreOptions): Promise<ProxyModel> {
    await this.assertChangeable(em, model, options.expectedUpdatedAt);
    const [oldTeam, newTeam] = [ownerTeamOfModelInfo(model.modelInfo), ownerTeamOfModelInfo(target.modelInfo)];
    const oldPublicName = publicNameOf(model.modelName, model.modelInfo ?? {});
    const newPublicName = publicNameOf(target.modelName, target.modelInfo);
    const blocked = this.services.schema.modelBlockedColumn && target.blocked !== undefined ? target.blocked : model.blocked;
    await this.checkPrivilegedChange(em, stateOf(model), { litellmParams: target.litellmParams, modelInfo: target.modelInfo, blocked });

    // The alias names the stored name too, so a new stored name under the same public name is a membership change.
    const membershipChanges = oldTeam !== newTeam || oldPublicName !== newPublicName || model.modelName !== target.modelName;
    if (oldTeam && newTeam && oldTeam !== newTeam) await lockTeamsInOrder(em, [oldTeam, newTeam]);
    if (oldTeam && membershipChanges) await this.detach(em, model.modelId, oldTeam, oldPublicName, model.modelName);
    if (newTeam && membershipChanges) {
      await attachModelToTeam(em, newTeam, { publicName: newPublicName, storedName: target.modelName }, this.teamAliases, this.access.principal.userId);
    }

    const changed =
      model.modelName !== target.modelName ||
      !sameJson(model.modelInfo ?? null, target.modelInfo) ||
      !sameJson(model.litellmParams, target.litellmParams) ||
      model.blocked !== blocked;
    if (changed) {
      Object.assign(model, { modelName: target.modelName, modelInfo: target.modelInfo, litellmParams: target.litellmParams });
      if (this.services.schema.modelBlockedColumn) model.blocked = blocked;
      this.touch(model);
    }
    return model;
  }

  /** restore of a model that is gone (undelete): created again with its id, in its team as addModel would put it. */
  private async createAgain(em: EntityManager, target: RestoredModelState, options: RestoreOptions): Promise<ProxyModel> {
    // The state the model was last seen in: who may not manage it there may not bring it back either.
    if (options.lastKnownOwner !== undefined) this.access.assert(AuthRule.MODEL_MANAGER, options.lastKnownOwner);
    const actor = this.access.principal.userId;
    const newTeam = ownerTeamOfModelInfo(target.modelInfo);
    const blocked = this.services.schema.modelBlockedColumn && target.blocked === true;
    await this.checkPrivilegedChange(em, NEW_MODEL_STATE, { litellmParams: target.litellmParams, modelInfo: target.modelInfo, blocked });
    if (newTeam) {
      await attachModelToTeam(em, newTeam, { publicName: publicNameOf(target.modelName, target.modelInfo), storedName: target.modelName }, this.teamAliases, actor);
    }
    return em.create(ProxyModel, {
      modelId: target.modelId,
      modelName: target.modelName,
      litellmParams: target.litellmParams,
      modelInfo: target.modelInfo,
      createdAt: target.createdAt ?? new Date(),
      createdBy: target.createdBy ?? actor,
      updatedBy: actor,
      ...(this.services.schema.modelBlockedColumn ? { blocked } : {}),
    });
  }

  /** The models that name each stored credential, among those the caller may see (Credential.models). */
  async byStoredCredential(): Promise<Map<string, ModelNode[]>> {
    const byName = new Map<string, ModelNode[]>();
    const add = (name: unknown, node: ModelNode) => {
      if (typeof name !== 'string') return;
      const nodes = byName.get(name);
      if (nodes) nodes.push(node);
      else byName.set(name, [node]);
    };
    for (const model of this.services.configModels) {
      const node = configModelNode(model);
      if (this.access.allows(AuthRule.MODEL_VIEWER, node.ownerTeam)) add(model.litellmParams[CREDENTIAL_NAME_PARAM], node);
    }
    for (const model of await this.models.withStoredCredential(this.access.scope(AuthRule.MODEL_VIEWER))) {
      add(STORED_CREDENTIAL_KEY.read({ litellmParams: model.litellmParams, modelInfo: model.modelInfo, blocked: model.blocked }, this.reveal), storedModelNode(model));
    }
    return byName;
  }

  /**
   * FORBIDDEN when a caller other than a proxy admin changes a privileged key (ModelChangeGuard checks the same in
   * the flush); BAD_USER_INPUT when a stored credential is attached that does not exist.
   */
  private async checkPrivilegedChange(em: EntityManager, before: PrivilegedState, after: PrivilegedState): Promise<void> {
    const changed = changedPrivilegedKeys(before, after, this.reveal);
    assertMayChangePrivilegedKeys(this.access.principal, changed);
    const credentialName = STORED_CREDENTIAL_KEY.read(after, this.reveal);
    // As the proxy does: an unchanged name passes, even if its credential is gone since.
    if (changed.includes(STORED_CREDENTIAL_KEY.path) && typeof credentialName === 'string') await this.credentials.requireExisting(em, credentialName);
  }

  /**
   * Locks the row in `em`'s transaction; a model the caller may not see is reported as missing. With
   * `expectedUpdatedAt`, a row changed since is CONFLICT (the caller changes what it read, or nothing).
   */
  private async lockForChange(em: EntityManager, id: string, expectedUpdatedAt?: Date | null): Promise<ProxyModel> {
    const model = await this.models.lockForChange(em, id);
    if (!model) {
      const configModel = this.findConfigModel(id);
      if (configModel && this.access.allows(AuthRule.MODEL_VIEWER, ownerTeamOfModelInfo(configModel.modelInfo))) {
        throw ApiError.badInput(`Model ${JSON.stringify(id)} is defined in the config file and cannot be changed through the API.`);
      }
      throw ApiError.notFound('Model', id);
    }
    await this.assertChangeable(em, model, expectedUpdatedAt);
    return model;
  }

  /** The checks of lockForChange on a row already locked: visible, manageable, undamaged, unchanged since `expectedUpdatedAt`. */
  private async assertChangeable(em: EntityManager, model: ProxyModel, expectedUpdatedAt?: Date | null): Promise<void> {
    const id = model.modelId;
    const owner = ownerTeamOfModelInfo(model.modelInfo);
    // A hidden model is reported as missing, so its existence is not revealed.
    if (!this.access.allows(AuthRule.MODEL_VIEWER, owner)) throw ApiError.notFound('Model', id);
    this.access.assert(AuthRule.MODEL_MANAGER, owner);
    const damage = storedDamage(model, owner);
    if (damage) throw ApiError.badInput(`Model ${JSON.stringify(id)} cannot be changed: its stored ${damage}. It needs repair in the database first.`);
    if (expectedUpdatedAt) await this.assertUnchangedSince(em, model, expectedUpdatedAt);
  }

  /** CONFLICT for an undelete whose id a model holds again, naming who put it there and when. */
  private async idInUseAgain(em: EntityManager, model: ProxyModel): Promise<ApiError> {
    const last = await this.models.lastChange(em, model.modelId);
    const how = last ? ` (${last.action} by ${JSON.stringify(last.changedBy)} at ${isoTimestamp(last.updatedAt)})` : '';
    return ApiError.conflict(
      `Model ${JSON.stringify(model.modelId)} cannot be undeleted: a model holds its id again${how}. Nothing was changed; restore one of that model's own entries instead.`,
    );
  }

  /** CONFLICT, naming who changed the model last and when (its newest audit entry, else the row), unless updated_at is `expected`. */
  private async assertUnchangedSince(em: EntityManager, model: ProxyModel, expected: Date): Promise<void> {
    if (model.updatedAt.getTime() === expected.getTime()) return;
    const last = await this.models.lastChange(em, model.modelId);
    const by = last?.changedBy || model.updatedBy;
    const at = isoTimestamp(last?.updatedAt ?? model.updatedAt);
    const how = last ? ` (${last.action})` : '';
    throw ApiError.conflict(
      `Model ${JSON.stringify(model.modelId)} was changed by ${JSON.stringify(by)} at ${at}${how}: it was last updated at ${isoTimestamp(model.updatedAt)}, ` +
        `not at the expectedUpdatedAt ${isoTimestamp(expected)}. Nothing was changed; read the model again and retry.`,
    );
  }

  private detach(em: EntityManager, modelId: string, teamId: string, publicName: string, storedName: string): Promise<void> {
    const findSuccessor = () => this.models.latestOtherWithPublicName(em, teamId, publicName, modelId);
    return detachModelFromTeam(em, teamId, { publicName, storedName }, findSuccessor, this.teamAliases, this.access.principal.userId);
  }

  private touch(model: ProxyModel): void {
    model.updatedBy = this.access.principal.userId;
    model.updatedAt = new Date();
  }

  private inTransaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return auditedTransaction(this.em, this.access, work);
  }

  private findConfigModel(id: string): ConfigModel | undefined {
    return this.services.configModels.find((model) => model.id === id);
  }

  private matchingConfigModels(filter: ModelFilter | null | undefined): { node: ModelNode; index: number }[] {
    const needle = filter?.modelName?.toLowerCase();
    return this.services.configModels
      .map((model, index) => ({ node: configModelNode(model), index }))
      .filter(({ node }) => this.access.allows(AuthRule.MODEL_VIEWER, node.ownerTeam))
      .filter(({ node }) => !filter?.teamId || node.teamId === filter.teamId)
      .filter(({ node }) => !needle || node.publicModelName.toLowerCase().includes(needle))
      .filter(({ node }) => filter?.blocked == null || node.blocked === filter.blocked);
  }
}

/** The parts of a model the privileged keys live in, as loaded. */
function stateOf(model: ProxyModel): PrivilegedState {
  return { litellmParams: model.litellmParams, modelInfo: model.modelInfo, blocked: model.blocked === true };
}

/**
 * A team model's own stored name sent back as modelName is no rename (BerriAI/litellm #28382: the proxy's dashboard
 * showed the stored name and saved it back). Neither is any name of that stored shape.
 */
function isOwnStoredName(modelName: string, storedName: string, teamId: string): boolean {
  return modelName === storedName || isTeamModelStoredName(modelName, teamId);
}

/** What makes a stored row unsafe to change (a merge over it would write garbage back), or undefined. */
function storedDamage(model: ProxyModel, owner: OwnerTeam): string | undefined {
  if (storedJsonObject(model.litellmParams) === UNDECODABLE) return 'litellm_params is not a JSON object';
  if (storedJsonObject(model.modelInfo) === UNDECODABLE) return 'model_info is not a JSON object';
  if (owner === UNDETERMINED_TEAM) return 'model_info.team_id is not a team id';
  return undefined;
}

function unavailableId(id: string): ApiError {
  return ApiError.conflict(`The model id ${JSON.stringify(id)} is not available: choose another, or leave modelInfo.id out for a new one.`);
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Exactly what encodeCursor writes: a config position, or a UTC ISO timestamp and an id the database can compare. */
function isModelCursor(value: unknown): value is ModelCursor {
  if (typeof value !== 'object' || value === null) return false;
  const cursor = value as Record<string, unknown>;
  if ('config' in cursor) return Number.isSafeInteger(cursor.config) && (cursor.config as number) >= 0;
  return isIsoTimestamp(cursor.createdAt) && typeof cursor.id === 'string' && !cursor.id.includes('\u0000');
}

function isIsoTimestamp(value: unknown): value is string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(value)) return false;
  const time = Date.parse(value);
  return !Number.isNaN(time) && new Date(time).toISOString() === value;
}
