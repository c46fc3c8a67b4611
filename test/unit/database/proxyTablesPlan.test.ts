import { proxyTablesPlan } from '../../../src/database/migrations/proxyTablesPlan';
import type { DatabaseTables } from '../../../src/database/schema/DatabaseTables';
import { CORE_PROXY_TABLES, LIFT_STATEMENT_TIMEOUT_SQL, PROXY_TABLES } from '../../../src/database/schema/proxySchema';
import { OWN_TABLES, TABLES } from '../../../src/database/tables';
import { StartupError } from '../../../src/errors/StartupError';

/** The proxy's core tables in their current shape, except the columns named in `without`. */
interface DatabaseOptions {
  without?: string[];
  owned?: string[];
  firstRelease?: boolean;
  embedded?: boolean;
  indexes?: string[];
  tables?: typeof PROXY_TABLES;
}

function proxyDatabase(options: DatabaseOptions = {}): DatabaseTables {
  const tables = options.tables ?? CORE_PROXY_TABLES;
  return {
    columnsByTable: new Map(
      tables.map((table) => [table.name, new Set(table.columns.map((column) => column.name).filter((name) => !options.without?.includes(`${table.name}.${name}`)))]),
    ),
    owned: options.owned && new Set(options.owned),
    migratedByFirstRelease: options.firstRelease ?? false,
    embedded: options.embedded ?? false,
    indexes: new Set(options.indexes ?? []),
  };
}

/** Statements that change one of the proxy's tables (not an index of ours, not a table of ours). */
function touchingProxyTables(statements: string[]): string[] {
  return statements.filter((sql) => /^(CREATE TABLE|ALTER TABLE|DROP|INSERT|UPDATE|DELETE)/i.test(sql) && !sql.includes(OWN_TABLES.ownedProxyTables));
}

describe('the proxy tables migration plan', () => {
  it('first lifts the statement timeout for its transaction, so an index over a large audit table is not cancelled', () => {
    for (const database of [proxyDatabase(), proxyDatabase({ tables: [] })]) {
      expect(proxyTablesPlan(database)[0]).toBe(LIFT_STATEMENT_TIMEOUT_SQL);
    }
    expect(LIFT_STATEMENT_TIMEOUT_SQL).toMatch(/^SET LOCAL statement_timeout = 0$/);
  });

  it("adds, drops and changes nothing in an older proxy's tables, even where they lack current columns", () => {
    const plan = proxyTablesPlan(proxyDatabase({ without: [`${TABLES.proxyModel}.blocked`, `${TABLES.team}.blocked`] }));
    expect(touchingProxyTables(plan)).toEqual([]);
    expect(plan.some((sql) => sql.includes(TABLES.credentials))).toBe(false);
  });

  it('creates only indexes of its own, under its own prefix, on the proxy tables', () => {
    const indexes = proxyTablesPlan(proxyDatabase()).filter((sql) => /^CREATE INDEX/.test(sql));
    expect(indexes.length).toBeGreaterThan(0);
    for (const sql of indexes) expect(sql).toMatch(/^CREATE INDEX IF NOT EXISTS "model_admin_graphql_/);
  });

  it("creates the index behind the models' page order on the proxy's own model table, as on one of ours", () => {
    const pageIndex = `CREATE INDEX IF NOT EXISTS "model_admin_graphql_proxy_model_page_idx" ON "${TABLES.proxyModel}"("created_at", "model_id")`;
    for (const database of [proxyDatabase(), proxyDatabase({ owned: CORE_PROXY_TABLES.map((table) => table.name) }), proxyDatabase({ tables: [] })]) {
      expect(proxyTablesPlan(database)).toContain(pageIndex);
    }
  });

  it('creates every table in the current shape on an empty database, and records them as its own', () => {
    const plan = proxyTablesPlan(proxyDatabase({ tables: [] }));
    for (const table of PROXY_TABLES) {
      expect(plan).toContainEqual(expect.stringMatching(new RegExp(`^CREATE TABLE "${table.name}"`)));
      expect(plan).toContainEqual(expect.stringContaining(`VALUES ('${table.name}')`));
    }
    expect(plan.find((sql) => sql.startsWith(`CREATE TABLE "${TABLES.proxyModel}"`))).toContain('"blocked" BOOLEAN NOT NULL DEFAULT false');
  });

  it('refuses a database that holds some proxy tables but not all the core ones', () => {
    const partial = proxyDatabase({ tables: CORE_PROXY_TABLES.filter((table) => table.name !== TABLES.auditLog) });
    expect(() => proxyTablesPlan(partial)).toThrow(StartupError);
    expect(() => proxyTablesPlan(partial)).toThrow(/not LiteLLM_AuditLog/);
  });

  it('brings an embedded database the first release made to the current shape: blocked and stored credentials', () => {
    const plan = proxyTablesPlan(proxyDatabase({ without: [`${TABLES.proxyModel}.blocked`], embedded: true, firstRelease: true }));
    expect(plan).toContain(`ALTER TABLE "${TABLES.proxyModel}" ADD COLUMN "blocked" BOOLEAN NOT NULL DEFAULT false`);
    expect(plan).toContainEqual(expect.stringMatching(new RegExp(`^CREATE TABLE "${TABLES.credentials}"`)));
  });

  it('leaves the tables alone on a real server the first release migrated: they may be the proxy\'s', () => {
    const plan = proxyTablesPlan(proxyDatabase({ without: [`${TABLES.proxyModel}.blocked`], firstRelease: true }));
    expect(touchingProxyTables(plan)).toEqual([]);
  });

  it('leaves an embedded database alone when its proxy tables were there before any migration of ours', () => {
    const plan = proxyTablesPlan(proxyDatabase({ without: [`${TABLES.proxyModel}.blocked`], embedded: true }));
    expect(touchingProxyTables(plan)).toEqual([]);
  });

  it('completes only the tables it owns on a real server', () => {
    const plan = proxyTablesPlan(proxyDatabase({ without: [`${TABLES.proxyModel}.blocked`, `${TABLES.team}.blocked`], owned: [TABLES.proxyModel] }));
    expect(touchingProxyTables(plan)).toEqual([`ALTER TABLE "${TABLES.proxyModel}" ADD COLUMN "blocked" BOOLEAN NOT NULL DEFAULT false`]);
  });

  it('gives the indexes the first release created our own prefix', () => {
    const plan = proxyTablesPlan(proxyDatabase({ indexes: ['LiteLLM_AuditLog_object_id_updated_at_id_idx'] }));
    expect(plan).toContain('ALTER INDEX "LiteLLM_AuditLog_object_id_updated_at_id_idx" RENAME TO "model_admin_graphql_audit_log_object_idx"');
  });
});
