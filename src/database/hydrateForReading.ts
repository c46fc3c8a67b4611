// Entities from the rows of hand-written SELECTs, for reading only. A row becomes a plain object with the
// entity's properties, converted as MikroORM converts them (custom types such as lenient JSON and text[],
// timestamp(3) columns as UTC Dates), but it is neither an instance managed by the unit of work nor built
// by the entity factory: the factory's instance set-up and change-tracking snapshot (JSON re-serialised
// for every JSON column) were the largest cost of a page of 100 models or audit entries (see bench/compare).
// Relations are left out (a read never walks them). Rows a request changes are loaded through the EntityManager.
import { ReferenceKind, type EntityClass, type EntityMetadata, type EntityProperty, type Platform } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { snapshotColumns } from '../audit/auditSnapshot';
import { readUtcTimestamp } from './utcTimestamps';

interface ColumnReader {
  property: string;
  column: string;
  read(value: unknown): unknown;
}

const readersByEntity = new WeakMap<EntityMetadata, ColumnReader[]>();

export function hydrateForReading<Entity extends object>(em: EntityManager, entity: EntityClass<Entity>, row: object): Entity {
  const values = row as Record<string, unknown>;
  const loaded: Record<string, unknown> = {};
  for (const { property, column, read } of columnReaders(em, entity)) {
    const value = values[column];
    loaded[property] = value === null || value === undefined ? null : read(value);
  }
  return loaded as Entity;
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

/** Every request made with an `sk-` key reads three entities this way: their column lists are worked out once. */
const columnsByEntity = new WeakMap<EntityMetadata, string[]>();

function columnsOf(em: EntityManager, entity: EntityClass<object>): string[] {
  const meta = em.getMetadata().get(entity.name);
  let columns = columnsByEntity.get(meta);
  if (!columns) columnsByEntity.set(meta, (columns = snapshotColumns(meta).map(({ column }) => column)));
  return columns;
}

function columnReaders(em: EntityManager, entity: EntityClass<object>): ColumnReader[] {
  const meta = em.getMetadata().get(entity.name);
  let readers = readersByEntity.get(meta);
  if (!readers) {
    const platform = em.getPlatform();
    readers = snapshotColumns(meta)
      .filter(({ property }) => meta.properties[property].kind === ReferenceKind.SCALAR)
      .map(({ property, column }) => ({ property, column, read: valueReader(meta.properties[property], platform) }));
    readersByEntity.set(meta, readers);
  }
  return readers;
}

function valueReader(prop: EntityProperty, platform: Platform): (value: unknown) => unknown {
  const { customType } = prop;
  if (customType) return (value) => customType.convertToJSValue(value, platform);
  if (prop.runtimeType === 'Date') return readUtcTimestamp;
  return (value) => value;
}
