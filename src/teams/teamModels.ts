// The proxy's team-model rules: a team model is stored as `model_name_<team_id>_<uuid>`, keeps the given
// name as `team_public_model_name`, and is reachable through the team's aliases and `models` list.
import { randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { JsonObject } from '../database/entities/columns';
import { Team } from '../database/entities/Team';
import { TeamModelAliases } from '../database/entities/TeamModelAliases';
import type { SchemaFacts } from '../database/schema/SchemaFacts';
import { ApiError } from '../errors/ApiError';

export const TEAM_PUBLIC_NAME_KEY = 'team_public_model_name';

export function teamModelStoredName(teamId: string, uuid: string = randomUUID()): string {
  return `model_name_${teamId}_${uuid}`;
}

/** Whether `name` has the shape of a stored name of the team's models (what teamModelStoredName makes). */
export function isTeamModelStoredName(name: string, teamId: string): boolean {
  return name.startsWith(`model_name_${teamId}_`);
}

export function publicNameOf(modelName: string, modelInfo: JsonObject | null | undefined): string {
  const publicName = modelInfo?.[TEAM_PUBLIC_NAME_KEY];
  return typeof publicName === 'string' && publicName !== '' ? publicName : modelName;
}

/**
 * Locks the team, then loads its aliases row, so concurrent changes to either cannot lose each other.
 * Two statements on purpose: a locking read that had to wait returns the team's latest version but rows
 * joined to it as they were before the wait, so a joined aliases row created meanwhile would be missed.
 */
async function lockTeam(em: EntityManager, teamId: string): Promise<Team | null> {
  const team = await em.findOne(Team, { teamId }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
  if (team) await em.populate(team, ['modelAliases'], { refresh: true });
  return team;
}

/** Locks teams in one order (by id), so two changes that each touch the same two teams cannot deadlock. */
export async function lockTeamsInOrder(em: EntityManager, teamIds: readonly string[]): Promise<void> {
  for (const teamId of [...new Set(teamIds)].sort()) {
    await em.findOne(Team, { teamId }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
  }
}

/**
 * Whether the proxy beside this API resolves a team's public model names through the team's aliases
 * (LiteLLM_ModelTable). Older proxies do. A current one finds team models by model_info.team_public_model_name and the
 * key's team, and an alias there pins every request for the name to the one deployment it names (no load balancing,
 * no failover), so aliases are written only beside an older proxy: one whose model table has no `blocked` column.
 */
export function proxyRoutesThroughTeamAliases(schema: SchemaFacts): boolean {
  return !schema.modelBlockedColumn;
}

/**
 * Makes `publicName` callable by the team: its `models` list, and (for a proxy that routes through them) the alias
 * row (created when missing).
 */
export async function attachModelToTeam(
  em: EntityManager,
  teamId: string,
  model: { publicName: string; storedName: string },
  withAlias: boolean,
  actor: string,
): Promise<void> {
  const { publicName, storedName } = model;
  const team = await lockTeam(em, teamId);
  if (!team) throw ApiError.badInput(`modelInfo.team_id ${JSON.stringify(teamId)} is not an existing team.`);
  if (withAlias) {
    if (!team.modelAliases) team.modelAliases = em.create(TeamModelAliases, { aliases: {}, createdBy: actor, updatedBy: actor });
    const aliasRow = team.modelAliases;
    aliasRow.aliases = { ...(aliasRow.aliases ?? {}), [publicName]: storedName };
    aliasRow.updatedBy = actor;
    aliasRow.updatedAt = new Date();
  }
  const models = team.models ?? [];
  if (!models.includes(publicName)) team.models = [...models, publicName];
  team.updatedAt = new Date();
}

/** The stored name of the team's latest other model with a public name, looked up once the team is locked. */
export type SuccessorLookup = () => Promise<{ modelName: string } | null>;

/**
 * Undoes attachModelToTeam for one model. While another model of the team still uses the public name, the name stays
 * in `models`. An alias naming the model going away is removed, or (for a proxy that routes through aliases) points at
 * that other model instead.
 */
export async function detachModelFromTeam(
  em: EntityManager,
  teamId: string,
  model: { publicName: string; storedName: string },
  findSuccessor: SuccessorLookup,
  withAlias: boolean,
  actor: string,
): Promise<void> {
  const team = await lockTeam(em, teamId);
  if (!team) return;
  // The latest other model with the name, as the alias would point at it had that model been added last.
  const successor = await findSuccessor();
  const aliasRow = team.modelAliases;
  if (aliasRow?.aliases?.[model.publicName] === model.storedName) {
    const { [model.publicName]: _removed, ...rest } = aliasRow.aliases;
    aliasRow.aliases = successor && withAlias ? { ...rest, [model.publicName]: successor.modelName } : rest;
    aliasRow.updatedBy = actor;
    aliasRow.updatedAt = new Date();
  }
  if (!successor && team.models?.includes(model.publicName)) {
    team.models = team.models.filter((name) => name !== model.publicName);
    team.updatedAt = new Date();
  }
}
