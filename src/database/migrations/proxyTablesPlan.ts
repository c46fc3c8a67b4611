// What the migrations run, decided from what the database holds. Over the proxy's own tables: nothing of theirs is
// added, dropped or changed (a later proxy upgrade runs its own ALTER TABLE … ADD COLUMN, which fails on a column
// someone else added first). On a database of our own: the proxy's current shape, created or completed.
import { StartupError } from '../../errors/StartupError';
import { OWN_TABLES } from '../tables';
import type { DatabaseTables } from '../schema/DatabaseTables';
import {
  addColumnSql,
  CORE_PROXY_TABLES,
  createOwnIndexSql,
  createTableSql,
  FIRST_RELEASE_INDEX_NAMES,
  LIFT_STATEMENT_TIMEOUT_SQL,
  OWN_INDEXES,
  OWNED_TABLES_SQL,
  PROXY_TABLES,
} from '../schema/proxySchema';

export function proxyTablesPlan(tables: DatabaseTables): string[] {
  // The server's connections cancel long statements (statement_timeout); an index built over a large existing audit
  // table may take longer, so this transaction runs without the limit.
  const statements = [LIFT_STATEMENT_TIMEOUT_SQL, OWNED_TABLES_SQL];
  const present = tables.columnsByTable;
  const own = (table: string) => `INSERT INTO "${OWN_TABLES.ownedProxyTables}" ("table_name") VALUES ('${table}') ON CONFLICT DO NOTHING`;

  if (present.size === 0) {
    for (const table of PROXY_TABLES) statements.push(...createTableSql(table), own(table.name));
  } else {
    const missing = CORE_PROXY_TABLES.filter((table) => !present.has(table.name)).map((table) => table.name);
    if (missing.length > 0) throw StartupError.incompleteProxySchema(missing);
    const owned = tables.owned ?? claimedFromFirstRelease(tables);
    for (const table of PROXY_TABLES) {
      const columns = present.get(table.name);
      if (!columns || !owned.has(table.name)) continue;
      if (!tables.owned?.has(table.name)) statements.push(own(table.name));
      for (const column of table.columns) if (!columns.has(column.name)) statements.push(addColumnSql(table, column));
    }
    if (CORE_PROXY_TABLES.every((table) => owned.has(table.name))) {
      for (const table of PROXY_TABLES) if (!present.has(table.name)) statements.push(...createTableSql(table), own(table.name));
    }
  }
  for (const [firstName, ourName] of Object.entries(FIRST_RELEASE_INDEX_NAMES)) {
    if (tables.indexes.has(firstName) && !tables.indexes.has(ourName)) statements.push(`ALTER INDEX "${firstName}" RENAME TO "${ourName}"`);
  }
  for (const index of OWN_INDEXES) statements.push(createOwnIndexSql(index));
  return statements;
}

/**
 * The first release created the proxy's tables where none existed, without recording it. On PGlite, which no proxy
 * runs on, the tables it migrated are ours; on a real server they may be the proxy's, so they are left alone.
 */
function claimedFromFirstRelease(tables: DatabaseTables): ReadonlySet<string> {
  return tables.migratedByFirstRelease && tables.embedded ? new Set(tables.columnsByTable.keys()) : new Set();
}
