// Full-row snapshots for the audit trail. MikroORM keeps an entity's state keyed by property, with
// values in their database form (JSON as text, arrays as Postgres literals, dates as Date); the audit
// trail stores the row keyed by column, as the proxy's model_dump_json does: JSON as stored (ciphertext
// stays ciphertext), arrays as arrays, dates as ISO strings.
import { ArrayType, EntityIdentifier, JsonType, ReferenceKind, type EntityMetadata, type EntityProperty } from '@mikro-orm/core';
import type { JsonObject } from '../database/entities/columns';

/** How a column's value sits in MikroORM's snapshot, and so how it is turned back into JSON. */
export type ColumnEncoding = 'json' | 'array' | 'date' | 'plain';

export interface SnapshotColumn {
  /** The entity property holding the value. */
  property: string;
  /** The column name the audit trail keys it by. */
  column: string;
  encoding: ColumnEncoding;
}

/** Parses a Postgres array literal such as `{a,"b,c"}`. */
export type ArrayLiteralParser = (literal: string) => unknown[];

/** The columns of an entity's table that it maps, in declaration order: scalars and owned foreign keys. */
export function snapshotColumns(meta: EntityMetadata): SnapshotColumn[] {
  return meta.props.filter(isStoredInOwnTable).map((prop) => ({
    property: prop.name,
    column: prop.fieldNames[0],
    encoding: encodingOf(prop),
  }));
}

/** The row as the audit trail stores it; a column the snapshot lacks is null. */
export function rowSnapshot(columns: readonly SnapshotColumn[], data: Record<string, unknown>, parseArray: ArrayLiteralParser): JsonObject {
  const row: JsonObject = {};
  for (const { property, column, encoding } of columns) {
    row[column] = decode(data[property], encoding, parseArray);
  }
  return row;
}

function isStoredInOwnTable(prop: EntityProperty): boolean {
  if (prop.persist === false || !prop.fieldNames?.length) return false;
  if (prop.kind === ReferenceKind.SCALAR) return true;
  return prop.kind === ReferenceKind.MANY_TO_ONE || (prop.kind === ReferenceKind.ONE_TO_ONE && !!prop.owner);
}

function encodingOf(prop: EntityProperty): ColumnEncoding {
  if (prop.customType instanceof JsonType) return 'json';
  if (prop.customType instanceof ArrayType) return 'array';
  if (prop.runtimeType === 'Date') return 'date';
  return 'plain';
}

function decode(value: unknown, encoding: ColumnEncoding, parseArray: ArrayLiteralParser): unknown {
  if (value === undefined || value === null) return null;
  // A foreign key to a row inserted in the same flush, before its id is known.
  if (value instanceof EntityIdentifier) return value.getValue() ?? null;
  switch (encoding) {
    case 'json':
      return typeof value === 'string' ? parseJsonText(value) : value;
    case 'array':
      return typeof value === 'string' ? parseArray(value) : value;
    case 'date':
      return value instanceof Date ? (Number.isNaN(value.getTime()) ? null : value.toISOString()) : value;
    case 'plain':
      return value;
  }
}

/** The snapshot holds JSON columns as JSON text; text that is not JSON is kept as it is. */
function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
