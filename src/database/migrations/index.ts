// Every migration, in order. Listed explicitly so the compiled server needs no file discovery.
import type { MigrationObject } from '@mikro-orm/core';
import { FIRST_MIGRATION_NAME } from '../schema/proxySchema';
import { CreateRestoresTable } from './CreateRestoresTable';
import { CreateSqlFunctions } from './CreateSqlFunctions';
import { ReconcileProxyTables } from './ReconcileProxyTables';

export const MIGRATIONS: MigrationObject[] = [
  { name: FIRST_MIGRATION_NAME, class: ReconcileProxyTables },
  // The first release added missing columns to the proxy's own tables. Run again on the databases it migrated: it
  // records which proxy tables are ours, brings those to the current shape, and renames our indexes to our prefix.
  { name: 'Migration20261201000000_CurrentProxyShape', class: ReconcileProxyTables },
  { name: 'Migration20261201000100_SqlFunctions', class: CreateSqlFunctions },
  // Adds the index behind the models' page order (OWN_INDEXES), over the proxy's tables as over our own.
  { name: 'Migration20261201000200_ModelPageIndex', class: ReconcileProxyTables },
  { name: 'Migration20261201000300_Restores', class: CreateRestoresTable },
];
