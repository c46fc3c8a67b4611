// The proxy's tables as its Prisma schema creates them: the one description both the first migration
// and the "existing proxy database" test build from.
import { TABLES } from '../tables';

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
  /** Extra clauses inside CREATE TABLE (foreign keys), only used when the table is created. */
  constraints?: string[];
}

const createdUpdated = (notNull: boolean): ColumnDefinition[] => [
  { name: 'created_at', type: 'TIMESTAMP(3)', notNull, default: 'CURRENT_TIMESTAMP' },
  { name: 'updated_at', type: 'TIMESTAMP(3)', notNull, default: 'CURRENT_TIMESTAMP' },
];

export const PROXY_TABLES: TableDefinition[] = [
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
    constraints: [
      `CONSTRAINT "${TABLES.team}_model_id_fkey" FOREIGN KEY ("model_id") REFERENCES "${TABLES.teamModelAliases}"("id") ON DELETE SET NULL ON UPDATE CASCADE`,
    ],
  },
  {
    name: TABLES.user,
    primaryKey: 'user_id',
    columns: [
      { name: 'user_id', type: 'TEXT', notNull: true },
      { name: 'user_role', type: 'TEXT' },
      { name: 'user_email', type: 'TEXT' },
      { name: 'teams', type: 'TEXT[]', default: "ARRAY[]::TEXT[]" },
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

function columnSql(column: ColumnDefinition, forNewTable: boolean): string {
  // A column added to a table that already has rows can only be NOT NULL when it has a default.
  const notNull = column.notNull && (forNewTable || column.default !== undefined);
  return [`"${column.name}"`, column.type, notNull ? 'NOT NULL' : '', column.default ? `DEFAULT ${column.default}` : '']
    .filter(Boolean)
    .join(' ');
}

export function createTableSql(table: TableDefinition): string {
  const parts = [
    ...table.columns.map((column) => columnSql(column, true)),
    `CONSTRAINT "${table.name}_pkey" PRIMARY KEY ("${table.primaryKey}")`,
    ...(table.constraints ?? []),
  ];
  return `CREATE TABLE IF NOT EXISTS "${table.name}" (\n  ${parts.join(',\n  ')}\n)`;
}

/** Additive only: a column the proxy's table lacks is added; nothing is ever dropped, renamed or retyped. */
export function addMissingColumnsSql(table: TableDefinition): string[] {
  return table.columns
    .filter((column) => column.name !== table.primaryKey)
    .map((column) => `ALTER TABLE "${table.name}" ADD COLUMN IF NOT EXISTS ${columnSql(column, false)}`);
}

/** For the rest of the migration's transaction only (SET LOCAL): no statement_timeout. */
export const LIFT_STATEMENT_TIMEOUT_SQL = 'SET LOCAL statement_timeout = 0';

export const PROXY_INDEXES: string[] = [
  `CREATE UNIQUE INDEX IF NOT EXISTS "${TABLES.team}_model_id_key" ON "${TABLES.team}"("model_id")`,
  // Ours: the proxy ships no index on its audit table; these make history reads keyset-paginated.
  `CREATE INDEX IF NOT EXISTS "${TABLES.auditLog}_object_id_updated_at_id_idx" ON "${TABLES.auditLog}"("object_id", "updated_at", "id")`,
  `CREATE INDEX IF NOT EXISTS "${TABLES.auditLog}_updated_at_id_idx" ON "${TABLES.auditLog}"("updated_at", "id")`,
];
