// The proxy's tables as its current Prisma schema creates them (the columns this API uses), and the objects of
// our own beside them: the one description the migrations and the schema inspection build from.
import { OWN_TABLES, TABLES } from '../tables';

export interface ColumnDefinition {
  name: string;
  /** SQL type as Prisma writes it. */
  type: string;
  notNull?: boolean;
  /** SQL default expression. */
  default?: string;
}

export interface TableDefinition {
  name: string;
  columns: ColumnDefinition[];
  primaryKey: string;
  /** Prisma's own indexes and foreign keys of the table, created with it and only then. */
  companions?: string[];
}

const createdUpdated = (notNull: boolean): ColumnDefinition[] => [
  { name: 'created_at', type: 'TIMESTAMP(3)', notNull, default: 'CURRENT_TIMESTAMP' },
  { name: 'updated_at', type: 'TIMESTAMP(3)', notNull, default: 'CURRENT_TIMESTAMP' },
];

/** Tables every proxy has had since this API's first release: without them it cannot run. */
export const CORE_PROXY_TABLES: TableDefinition[] = [
  {
    name: TABLES.teamModelAliases,
    primaryKey: 'id',
    columns: [
      { name: 'id', type: 'SERIAL', notNull: true },
      { name: 'aliases', type: 'JSONB' },
      ...createdUpdated(true),
      { name: 'created_by', type: 'TEXT', notNull: true },
      { name: 'updated_by', type: 'TEXT', notNull: true },
    ],
  },
  {
    name: TABLES.proxyModel,
    primaryKey: 'model_id',
    columns: [
      { name: 'model_id', type: 'TEXT', notNull: true },
      { name: 'model_name', type: 'TEXT', notNull: true },
      { name: 'litellm_params', type: 'JSONB', notNull: true },
      { name: 'model_info', type: 'JSONB' },
      // Current proxies only: the code reads it as false where an older proxy's table lacks it.
      { name: 'blocked', type: 'BOOLEAN', notNull: true, default: 'false' },
      ...createdUpdated(true),
      { name: 'created_by', type: 'TEXT', notNull: true },
      { name: 'updated_by', type: 'TEXT', notNull: true },
    ],
  },
  {
    name: TABLES.auditLog,
    primaryKey: 'id',
    columns: [
      { name: 'id', type: 'TEXT', notNull: true },
      { name: 'updated_at', type: 'TIMESTAMP(3)', notNull: true, default: 'CURRENT_TIMESTAMP' },
      { name: 'changed_by', type: 'TEXT', notNull: true, default: "''" },
      { name: 'changed_by_api_key', type: 'TEXT', notNull: true, default: "''" },
      { name: 'action', type: 'TEXT', notNull: true },
      { name: 'table_name', type: 'TEXT', notNull: true },
      { name: 'object_id', type: 'TEXT', notNull: true },
      { name: 'before_value', type: 'JSONB' },
      { name: 'updated_values', type: 'JSONB' },
    ],
  },
  {
    name: TABLES.team,
    primaryKey: 'team_id',
    columns: [
      { name: 'team_id', type: 'TEXT', notNull: true },
      { name: 'team_alias', type: 'TEXT' },
      { name: 'admins', type: 'TEXT[]' },
      { name: 'members', type: 'TEXT[]' },
      { name: 'members_with_roles', type: 'JSONB', notNull: true, default: "'{}'" },
      { name: 'metadata', type: 'JSONB', notNull: true, default: "'{}'" },
      { name: 'models', type: 'TEXT[]' },
      { name: 'blocked', type: 'BOOLEAN', notNull: true, default: 'false' },
      ...createdUpdated(true),
      { name: 'model_id', type: 'INTEGER' },
    ],
    companions: [
      `CREATE UNIQUE INDEX "${TABLES.team}_model_id_key" ON "${TABLES.team}"("model_id")`,
      `ALTER TABLE "${TABLES.team}" ADD CONSTRAINT "${TABLES.team}_model_id_fkey" FOREIGN KEY ("model_id") REFERENCES "${TABLES.teamModelAliases}"("id") ON DELETE SET NULL ON UPDATE CASCADE`,
    ],
  },
  {
    name: TABLES.user,
    primaryKey: 'user_id',
    columns: [
      { name: 'user_id', type: 'TEXT', notNull: true },
      { name: 'user_role', type: 'TEXT' },
      { name: 'user_email', type: 'TEXT' },
      { name: 'teams', type: 'TEXT[]', default: 'ARRAY[]::TEXT[]' },
      { name: 'metadata', type: 'JSONB', notNull: true, default: "'{}'" },
      ...createdUpdated(false),
    ],
  },
  {
    name: TABLES.verificationToken,
    primaryKey: 'token',
    columns: [
      { name: 'token', type: 'TEXT', notNull: true },
      { name: 'key_name', type: 'TEXT' },
      { name: 'key_alias', type: 'TEXT' },
      { name: 'user_id', type: 'TEXT' },
      { name: 'team_id', type: 'TEXT' },
      { name: 'expires', type: 'TIMESTAMP(3)' },
      { name: 'blocked', type: 'BOOLEAN' },
      { name: 'models', type: 'TEXT[]' },
      { name: 'metadata', type: 'JSONB', notNull: true, default: "'{}'" },
      ...createdUpdated(false),
      { name: 'created_by', type: 'TEXT' },
      { name: 'updated_by', type: 'TEXT' },
    ],
  },
];

/** Stored credentials: current proxies only. Over an older proxy's database this API attaches none. */
export const CREDENTIALS_TABLE: TableDefinition = {
  name: TABLES.credentials,
  primaryKey: 'credential_id',
  columns: [
    { name: 'credential_id', type: 'TEXT', notNull: true },
    { name: 'credential_name', type: 'TEXT', notNull: true },
    { name: 'credential_values', type: 'JSONB', notNull: true },
    { name: 'credential_info', type: 'JSONB' },
    { name: 'created_at', type: 'TIMESTAMP(3)', notNull: true, default: 'CURRENT_TIMESTAMP' },
    { name: 'created_by', type: 'TEXT', notNull: true },
    { name: 'updated_at', type: 'TIMESTAMP(3)', notNull: true, default: 'CURRENT_TIMESTAMP' },
    { name: 'updated_by', type: 'TEXT', notNull: true },
  ],
  companions: [`CREATE UNIQUE INDEX "${TABLES.credentials}_credential_name_key" ON "${TABLES.credentials}"("credential_name")`],
};

/** The current proxy's shape of every table this API reads or writes. */
export const PROXY_TABLES: TableDefinition[] = [...CORE_PROXY_TABLES, CREDENTIALS_TABLE];

/** MikroORM's record of the migrations run (ormOptions), and the name the first release's one migration has there. */
export const MIGRATIONS_TABLE = 'mikro_orm_migrations';
export const FIRST_MIGRATION_NAME = 'Migration20261126000000_ProxyTables';

/** For the rest of the migration's transaction only (SET LOCAL): no statement_timeout. */
export const LIFT_STATEMENT_TIMEOUT_SQL = 'SET LOCAL statement_timeout = 0';

export const OWNED_TABLES_SQL = `CREATE TABLE IF NOT EXISTS "${OWN_TABLES.ownedProxyTables}" (
  "table_name" TEXT NOT NULL PRIMARY KEY,
  "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
)`;

/**
 * Our indexes on the proxy's tables (the proxy ships none on its audit log, and none in the models' page order), named
 * with our own prefix so a later proxy migration can never collide with them. A proxy upgrade does not mind an extra
 * index; it would mind a column. Each serves one of our keyset pages: the audit trail of one object and of everything
 * (newest first), and `models` by (created_at, model_id).
 */
export const OWN_INDEXES: { table: string; name: string; columns: string[] }[] = [
  { table: TABLES.auditLog, name: 'model_admin_graphql_audit_log_object_idx', columns: ['object_id', 'updated_at', 'id'] },
  { table: TABLES.auditLog, name: 'model_admin_graphql_audit_log_time_idx', columns: ['updated_at', 'id'] },
  { table: TABLES.proxyModel, name: 'model_admin_graphql_proxy_model_page_idx', columns: ['created_at', 'model_id'] },
];

/** The names the first release gave the same indexes. */
export const FIRST_RELEASE_INDEX_NAMES: Record<string, string> = {
  [`${TABLES.auditLog}_object_id_updated_at_id_idx`]: 'model_admin_graphql_audit_log_object_idx',
  [`${TABLES.auditLog}_updated_at_id_idx`]: 'model_admin_graphql_audit_log_time_idx',
};

function columnSql(column: ColumnDefinition, forNewTable: boolean): string {
  // A column added to a table that already has rows can only be NOT NULL when it has a default.
  const notNull = column.notNull && (forNewTable || column.default !== undefined);
  return [`"${column.name}"`, column.type, notNull ? 'NOT NULL' : '', column.default ? `DEFAULT ${column.default}` : '']
    .filter(Boolean)
    .join(' ');
}

/** The table with Prisma's own indexes and foreign keys, as a new table on a database of our own. */
export function createTableSql(table: TableDefinition): string[] {
  const parts = [...table.columns.map((column) => columnSql(column, true)), `CONSTRAINT "${table.name}_pkey" PRIMARY KEY ("${table.primaryKey}")`];
  return [`CREATE TABLE "${table.name}" (\n  ${parts.join(',\n  ')}\n)`, ...(table.companions ?? [])];
}

/** A current-shape column missing from a table this API created: only ever run on tables of its own. */
export function addColumnSql(table: TableDefinition, column: ColumnDefinition): string {
  return `ALTER TABLE "${table.name}" ADD COLUMN ${columnSql(column, false)}`;
}

export function createOwnIndexSql(index: (typeof OWN_INDEXES)[number]): string {
  return `CREATE INDEX IF NOT EXISTS "${index.name}" ON "${index.table}"(${index.columns.map((column) => `"${column}"`).join(', ')})`;
}
