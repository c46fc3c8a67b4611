// Column shapes the proxy's Prisma schema uses, declared once for every entity.
import { ArrayType } from '@mikro-orm/core';
import { LenientJsonType } from '../types/LenientJsonType';

export type { JsonObject } from '../types/storedJson';

/** Prisma's DateTime: timestamp(3) without time zone, holding UTC. */
export const timestampColumn = { type: 'datetime', columnType: 'timestamp(3)' } as const;
export const jsonColumn = { type: LenientJsonType, columnType: 'jsonb' } as const;
export const textArrayColumn = { type: ArrayType, columnType: 'text[]' } as const;
export const textColumn = { type: 'string', columnType: 'text' } as const;

/** Prisma set timestamps client-side, so do we. */
export function now(): Date {
  return new Date();
}

/**
 * The column names of every jsonColumn the entities declare (a test checks the two agree): an audit snapshot keys
 * values by column, and only these may hold the JSON-encoded strings older proxies wrote.
 */
export const JSON_COLUMN_NAMES: ReadonlySet<string> = new Set([
  'litellm_params',
  'model_info',
  'aliases',
  'members_with_roles',
  'metadata',
  'before_value',
  'updated_values',
  'credential_values',
  'credential_info',
]);
