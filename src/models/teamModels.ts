// The proxy's team-model rules: a team model is stored as `model_name_<team_id>_<uuid>`, keeps the given
// name as `team_public_model_name`, and is reachable through the team's aliases and `models` list.
import { randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { JsonObject } from '../database/entities/columns';
import { ProxyModel } from '../database/entities/ProxyModel';
import { Team } from '../database/entities/Team';
import { TeamModelAliases } from '../database/entities/TeamModelAliases';
import { ApiError } from '../errors/ApiError';

export const TEAM_PUBLIC_NAME_KEY = 'team_public_model_name';

export function teamModelStoredName(teamId: string, uuid: string = randomUUID()): string {
  return `model_name_${teamId}_${uuid}`;
}

/** The team a stored model belongs to (model_info.team_id), or null. */
export function teamIdOf(modelInfo: JsonObject | null | undefined): string | null {
  const teamId = modelInfo?.team_id;
  return typeof teamId === 'string' && teamId !== '' ? teamId : null;
}

export function publicNameOf(modelName: string, modelInfo: JsonObject | null | undefined): string {
  const publicName = modelInfo?.[TEAM_PUBLIC_NAME_KEY];
  return typeof publicName === 'string' && publicName !== '' ? publicName : modelName;
}

/** Loads and locks the team, so concurrent changes to its aliases and models list cannot lose each other. */
async function lockTeam(em: EntityManager, teamId: string): Promise<Team> {
  const team = await em.findOne(Team, { teamId }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true, populate: ['modelAliases'] });
  if (!team) throw ApiError.badInput(`modelInfo.team_id ${JSON.stringify(teamId)} is not an existing team.`);
  return team;
}

/** Makes `publicName` resolve to `storedName` for the team: alias row (created when missing) and models list. */
export async function attachModelToTeam(em: EntityManager, teamId: string, publicName: string, storedName: string, actor: string): Promise<void> {
  const team = await lockTeam(em, teamId);
  if (!team.modelAliases) {
    team.modelAliases = em.create(TeamModelAliases, { aliases: {}, createdBy: actor, updatedBy: actor });
  }
  const aliasRow = team.modelAliases;
  aliasRow.aliases = { ...(aliasRow.aliases ?? {}), [publicName]: storedName };
  aliasRow.updatedBy = actor;
  aliasRow.updatedAt = new Date();
  const models = team.models ?? [];
  if (!models.includes(publicName)) team.models = [...models, publicName];
  team.updatedAt = new Date();
}

/** Undoes attachModelToTeam for one model, leaving names that other models of the team still use. */
export async function detachModelFromTeam(
  em: EntityManager,
  teamId: string,
  model: { modelId: string; publicName: string; storedName: string },
  actor: string,
): Promise<void> {
  const team = await em.findOne(Team, { teamId }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true, populate: ['modelAliases'] });
  if (!team) return;
  const aliasRow = team.modelAliases;
  if (aliasRow?.aliases?.[model.publicName] === model.storedName) {
    const { [model.publicName]: _removed, ...rest } = aliasRow.aliases;
    aliasRow.aliases = rest;
    aliasRow.updatedBy = actor;
    aliasRow.updatedAt = new Date();
  }
  const stillUsed = await em.count(ProxyModel, {
    modelId: { $ne: model.modelId },
    modelInfo: { team_id: teamId, [TEAM_PUBLIC_NAME_KEY]: model.publicName },
  });
  if (stillUsed === 0 && team.models?.includes(model.publicName)) {
    team.models = team.models.filter((name) => name !== model.publicName);
    team.updatedAt = new Date();
  }
}
