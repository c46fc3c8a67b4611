// Per-request DataLoaders: created with each request's context, never shared between requests or callers.
import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { latestModelAuditLogs } from '../audit/auditLogQueries';
import type { AuditLogNode } from '../audit/auditLog.type';
import { ProxyModel } from '../database/entities/ProxyModel';
import { Team } from '../database/entities/Team';

export interface Loaders {
  teamById: DataLoader<string, Team | null>;
  storedModelById: DataLoader<string, ProxyModel | null>;
  /** The newest `first` audit entries of each model: one loader per page size asked for. */
  modelAuditLogs(first: number): DataLoader<string, AuditLogNode[]>;
}

export function createLoaders(em: EntityManager): Loaders {
  const auditLoaders = new Map<number, DataLoader<string, AuditLogNode[]>>();
  return {
    teamById: new DataLoader((ids) => loadByKey(em, Team, 'teamId', ids)),
    storedModelById: new DataLoader((ids) => loadByKey(em, ProxyModel, 'modelId', ids)),
    modelAuditLogs(first) {
      let loader = auditLoaders.get(first);
      if (!loader) {
        loader = new DataLoader((modelIds) => latestModelAuditLogs(em, modelIds, first));
        auditLoaders.set(first, loader);
      }
      return loader;
    },
  };
}

async function loadByKey<Entity extends object, Key extends keyof Entity & string>(
  em: EntityManager,
  entity: new () => Entity,
  key: Key,
  ids: readonly string[],
): Promise<(Entity | null)[]> {
  const rows = await em.find(entity, { [key]: { $in: [...ids] } } as never);
  const byKey = new Map(rows.map((row) => [String(row[key]), row]));
  return ids.map((id) => byKey.get(id) ?? null);
}
