// Every migration, in order. Listed explicitly so the compiled server needs no file discovery.
import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261126000000_ProxyTables } from './Migration20261126000000_ProxyTables';

export const MIGRATIONS: MigrationObject[] = [
  { name: 'Migration20261126000000_ProxyTables', class: Migration20261126000000_ProxyTables },
];
