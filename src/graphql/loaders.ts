// Per-request DataLoaders: created with each request's context, never shared between requests or callers.
import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Team } from '../database/entities/Team';

export interface Loaders {
  teamById: DataLoader<string, Team | null>;
}

export function createLoaders(em: EntityManager): Loaders {
  return {
    teamById: new DataLoader(async (ids: readonly string[]) => {
      const teams = await em.find(Team, { teamId: { $in: [...ids] } });
      const byId = new Map(teams.map((team) => [team.teamId, team]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
  };
}
