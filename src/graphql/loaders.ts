// Per-request DataLoaders: created with each request's context, never shared between requests or callers.
import DataLoader from 'dataloader';
import type { EntityClass, EntityKey } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { latestModelAuditLogs } from '../audit/auditLogQueries';
import type { AuditLogNode } from '../audit/auditLog.type';
import type { AuthenticatedPrincipal } from '../auth/Principal';
import { ProxyModel } from '../database/entities/ProxyModel';
import { Team } from '../database/entities/Team';
import { hydrateForReading } from '../database/hydrateForReading';
import { placeholders } from '../database/sql';
import { readRows } from '../database/readRows';

export interface Loaders {
  teamById: DataLoader<string, Team | null>;
  storedModelById: DataLoader<string, ProxyModel | null>;
  /**
   * The newest `first` audit entries of each model that the caller may read: one loader per page size
   * asked for. `principal` is the request's caller, the same on every call.
   */
  modelAuditLogs(first: number, principal: AuthenticatedPrincipal): DataLoader<string, AuditLogNode[]>;
}

export function createLoaders(em: EntityManager): Loaders {
  const auditLoaders = new Map<number, DataLoader<string, AuditLogNode[]>>();
  return {
    teamById: new DataLoader((ids) => loadByKey(em, Team, 'teamId', ids)),
    storedModelById: new DataLoader((ids) => loadByKey(em, ProxyModel, 'modelId', ids)),
    modelAuditLogs(first, principal) {
      let loader = auditLoaders.get(first);
      if (!loader) {
        loader = new DataLoader((modelIds) => latestModelAuditLogs(em, principal, modelIds, first));
        auditLoaders.set(first, loader);
      }
      return loader;
    },
  };
}

/** One hand-written SELECT per batch: em.find would build it through the query builder and merge every row into the identity map, several times the cost. */
async function loadByKey<Entity extends object, Key extends EntityKey<Entity>>(
  em: EntityManager,
  entity: EntityClass<Entity>,
  key: Key,
  ids: readonly string[],
): Promise<(Entity | null)[]> {
  const meta = em.getMetadata().get<Entity>(entity.name);
  const rows = await readRows(em, `SELECT * FROM "${meta.tableName}" WHERE "${meta.properties[key].fieldNames[0]}" IN (${placeholders(ids)})`, [...ids]);
  const byKey = new Map(rows.map((row) => hydrateForReading(em, entity, row)).map((loaded) => [String(loaded[key]), loaded]));
  return ids.map((id) => byKey.get(id) ?? null);
}
