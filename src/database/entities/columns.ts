// Column shapes the proxy's Prisma schema uses, declared once for every entity.
import { ArrayType } from '@mikro-orm/core';
import { LenientJsonType } from '../types/LenientJsonType';

export type JsonObject = Record<string, unknown>;

/** Prisma's DateTime: timestamp(3) without time zone, holding UTC. */
export const timestampColumn = { type: 'datetime', columnType: 'timestamp(3)' } as const;
export const jsonColumn = { type: LenientJsonType, columnType: 'jsonb' } as const;
export const textArrayColumn = { type: ArrayType, columnType: 'text[]' } as const;
export const textColumn = { type: 'string', columnType: 'text' } as const;

/** Prisma set timestamps client-side, so do we. */
export function now(): Date {
  return new Date();
}
