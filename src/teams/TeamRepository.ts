// Reads teams for display (Model.team): all of this aggregate's read SQL. Changes go through the ORM (teamModels.ts).
import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { readRows } from '../database/readRows';
import { sql, table } from '../database/sql';
import { TABLES } from '../database/tables';
import { readUtcTimestamp } from '../database/utcTimestamps';
import type { ApiLoaderFactory } from '../graphql/context';

export interface TeamRow {
  teamId: string;
  teamAlias: string | null;
  models: string[] | null;
  /** As stored: a JSON list, or a JSON-encoded string of one (teamMembership reads both). */
  membersWithRoles: unknown;
  blocked: boolean;
  createdAt: Date;
}

interface StoredTeamRow {
  team_id: string;
  team_alias: string | null;
  models: string[] | null;
  members_with_roles: unknown;
  blocked: boolean | null;
  created_at: unknown;
}

export class TeamRepository {
  constructor(private readonly em: EntityManager) {}

  /** The teams with these ids, in the order asked for; null where there is none. */
  async findByIds(ids: readonly string[]): Promise<(TeamRow | null)[]> {
    const rows = await readRows<StoredTeamRow>(
      this.em,
      sql`SELECT team_id, team_alias, models, members_with_roles, blocked, created_at FROM ${table(TABLES.team)} WHERE team_id = ANY(${[...ids]}::text[])`,
    );
    const byId = new Map(rows.map((row) => [row.team_id, teamRowOf(row)]));
    return ids.map((id) => byId.get(id) ?? null);
  }
}

function teamRowOf(row: StoredTeamRow): TeamRow {
  return {
    teamId: row.team_id,
    teamAlias: row.team_alias,
    models: row.models,
    membersWithRoles: row.members_with_roles,
    blocked: row.blocked === true,
    createdAt: readUtcTimestamp(row.created_at),
  };
}

/** Teams by id, batched per request (Model.team). */
export const teamById: ApiLoaderFactory<string, TeamRow | null> = (context) => {
  const teams = new TeamRepository(context.em);
  return new DataLoader((ids) => teams.findByIds(ids));
};
