// Which owning teams a caller may reach under one rule, as a value: the same value answers for one row (a
// TypeScript check) and for a list (an SQL condition), so the two can never decide differently.
import { sql, trusted, type SqlFragment } from '../database/sql';

/**
 * The team a row belongs to: null for none, a team id, or UNDETERMINED_TEAM when the row does not say in a way that
 * can be trusted (a team_id that is not a non-empty string, a model_info that is not a JSON object). SQL uses the
 * same value for it, the empty string, which no team id can be.
 */
export type OwnerTeam = string | null;
export const UNDETERMINED_TEAM = '';

export type TeamScope =
  /** Every row, whatever its team (a row of undetermined team included). */
  | { readonly all: true }
  /** Rows of these teams only; null stands for rows with no team. */
  | { readonly all: false; readonly teams: readonly OwnerTeam[] };

export const EVERY_TEAM: TeamScope = { all: true };
export const NO_TEAM_AT_ALL: TeamScope = { all: false, teams: [] };

/** Rows of these teams; UNDETERMINED_TEAM is never one of them, whatever is passed. */
export function teamsScope(teams: readonly OwnerTeam[]): TeamScope {
  return { all: false, teams: [...new Set(teams)].filter((team) => team !== UNDETERMINED_TEAM) };
}

export function isEmptyScope(scope: TeamScope): boolean {
  return !scope.all && scope.teams.length === 0;
}

export function scopeAllows(scope: TeamScope, owner: OwnerTeam): boolean {
  if (scope.all) return true;
  return owner !== UNDETERMINED_TEAM && scope.teams.includes(owner);
}

/** The same decision as scopeAllows, over `ownerTeamSql`: an SQL expression giving a row's OwnerTeam. */
export function scopeCondition(scope: TeamScope, ownerTeamSql: SqlFragment): SqlFragment {
  if (scope.all) return trusted('TRUE');
  const teams = scope.teams.filter((team): team is string => team !== null);
  const withoutTeam = scope.teams.includes(null);
  if (teams.length === 0) return withoutTeam ? sql`(${ownerTeamSql} IS NULL)` : trusted('FALSE');
  // UNDETERMINED_TEAM ('') is in no scope's list, so `= ANY` never matches it.
  const ofTeams = sql`${ownerTeamSql} = ANY(${teams}::text[])`;
  return withoutTeam ? sql`(${ownerTeamSql} IS NULL OR ${ofTeams})` : sql`(${ofTeams})`;
}
