// Entities from the rows of hand-written SELECTs, for reading: hydrated from the entity's own metadata
// (column names, custom types such as lenient JSON, UTC timestamps) like em.map, but not merged into the
// identity map. Registering costs as much as hydrating and is only needed for rows the request changes:
// on a page of 100 models or audit entries it was the largest cost of the query (see bench/compare).
import type { EntityClass, EntityData } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { snapshotColumns } from '../audit/auditSnapshot';

export function hydrateForReading<Entity extends object>(em: EntityManager, entity: EntityClass<Entity>, row: object): Entity {
  const data = em.getDriver().mapResult(row as EntityData<Entity>, em.getMetadata().get<Entity>(entity.name));
  return em.getEntityFactory().create(entity, data!, { merge: false, convertCustomTypes: true });
}

/** `"alias"."column" AS "alias.column"` for every column the entity maps: several entities read from one joined row. */
export function aliasedColumnsSql(em: EntityManager, entity: EntityClass<object>, alias: string): string {
  return columnsOf(em, entity)
    .map((column) => `"${alias}"."${column}" AS "${alias}.${column}"`)
    .join(', ');
}

/** The entity read with aliasedColumnsSql from a joined row; null where an outer join found no row. */
export function hydrateAliasedForReading<Entity extends object>(em: EntityManager, entity: EntityClass<Entity>, alias: string, joinedRow: Record<string, unknown>): Entity | null {
  const meta = em.getMetadata().get<Entity>(entity.name);
  if (meta.primaryKeys.some((key) => joinedRow[`${alias}.${meta.properties[key].fieldNames[0]}`] == null)) return null;
  const row = Object.fromEntries(columnsOf(em, entity).map((column) => [column, joinedRow[`${alias}.${column}`]]));
  return hydrateForReading(em, entity, row);
}

function columnsOf(em: EntityManager, entity: EntityClass<object>): string[] {
  return snapshotColumns(em.getMetadata().get(entity.name)).map(({ column }) => column);
}
