// What a database holds of the proxy's tables, read from its catalog: the migrations decide from it what they may
// touch, and the server which optional columns it may map.
import { OWN_TABLES } from '../tables';
import { FIRST_MIGRATION_NAME, MIGRATIONS_TABLE, PROXY_TABLES } from './proxySchema';

/** Runs one SQL statement in the caller's transaction or connection and returns its rows. */
export type SqlQuery = (sql: string) => Promise<Record<string, unknown>[]>;

export interface DatabaseTables {
  /** The proxy tables present, each with its column names. */
  columnsByTable: ReadonlyMap<string, ReadonlySet<string>>;
  /** The proxy tables this API created itself, and so may bring to the current shape; undefined before it kept a record. */
  owned: ReadonlySet<string> | undefined;
  /** The first release migrated this database (it kept no record of which tables it created). */
  migratedByFirstRelease: boolean;
  /** PGlite: no proxy runs on it, so a database the first release migrated there is ours. */
  embedded: boolean;
  /** Index names present on the proxy's tables. */
  indexes: ReadonlySet<string>;
}

const quotedNames = (names: readonly string[]) => names.map((name) => `'${name}'`).join(', ');

export async function readDatabaseTables(query: SqlQuery): Promise<DatabaseTables> {
  const proxyTableNames = quotedNames(PROXY_TABLES.map((table) => table.name));
  const columns = await query(
    `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name IN (${proxyTableNames})`,
  );
  const columnsByTable = new Map<string, Set<string>>();
  for (const row of columns) {
    const table = String(row.table_name);
    if (!columnsByTable.has(table)) columnsByTable.set(table, new Set());
    columnsByTable.get(table)!.add(String(row.column_name));
  }
  const [{ registry }] = await query(`SELECT to_regclass('"${OWN_TABLES.ownedProxyTables}"') IS NOT NULL AS registry`);
  const owned = registry ? await query(`SELECT table_name FROM "${OWN_TABLES.ownedProxyTables}"`) : undefined;
  const [{ migrations }] = await query(`SELECT to_regclass('"${MIGRATIONS_TABLE}"') IS NOT NULL AS migrations`);
  const firstRelease = migrations ? await query(`SELECT 1 FROM "${MIGRATIONS_TABLE}" WHERE name = '${FIRST_MIGRATION_NAME}'`) : [];
  const [{ version }] = await query('SELECT version() AS version');
  const indexes = await query(`SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename IN (${proxyTableNames})`);
  return {
    columnsByTable,
    owned: owned && new Set(owned.map((row) => String(row.table_name))),
    migratedByFirstRelease: firstRelease.length > 0,
    embedded: String(version).includes('PGlite'),
    indexes: new Set(indexes.map((row) => String(row.indexname))),
  };
}
