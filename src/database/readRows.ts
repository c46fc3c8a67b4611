// Runs a repository's hand-written SELECT on a connection of the ORM's own driver, with its values bound by
// PostgreSQL: em.execute would first inline every value into the SQL text and run it through knex's query runner,
// which costs more CPU than the rest of reading a model by id. Inside a transaction the statement
// runs on that transaction's connection (a read must see its writes, and PGlite's one connection is held by it).
// Errors are converted by the driver as em.execute converts them; the statement goes to MikroORM's query log
// (`debug`), as em.execute's would.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { SqlFragment } from './sql';

interface PooledConnection {
  query(config: { name?: string; text: string; values: readonly unknown[] }): Promise<{ rows: unknown[] }>;
}

/**
 * Distinct statements prepared by name. The repositories' SELECTs are a few dozen shapes (values are always bound,
 * never written into the text); the bound keeps each connection's prepared statements few whatever happens.
 */
export const MAX_PREPARED_STATEMENTS = 200;

/** The connections whose statements are prepared by name (DATABASE_PREPARED_STATEMENTS, see ormOptions.ts). */
const preparingConnections = new WeakSet<object>();

/** From now on the repositories' statements on this connection are prepared once and then only bound and run. */
export function prepareStatementsOn(connection: object): void {
  preparingConnections.add(connection);
}

/** One name per statement text, the same on every connection of this process (pg checks a name keeps its text). */
const statementNames = new Map<string, string>();
/**
 * Names of one process never meet another's: a session can outlive its client (a pooler's server connection, the
 * embedded database's one session), and a name prepared there by another process may stand for another text.
 */
const PROCESS_TOKEN = randomBytes(4).toString('hex');

/**
 * The name a statement is prepared under. PostgreSQL then parses and plans it once per connection instead of on
 * every request, and the driver sends only Bind and Execute: for a model by id that was a fifth of the CPU of both
 * this process and PostgreSQL. Past the bound, a statement runs unnamed, as before.
 */
function statementName(text: string): string | undefined {
  let name = statementNames.get(text);
  if (name === undefined && statementNames.size < MAX_PREPARED_STATEMENTS) {
    name = SELECTS_EVERY_COLUMN.test(text) ? '' : `model_admin_graphql_${PROCESS_TOKEN}_${statementNames.size + 1}`;
    statementNames.set(text, name);
  }
  return name || undefined;
}

/**
 * `*` in a select list: once the proxy's migration adds a column, PostgreSQL refuses to run such a statement prepared
 * before ("cached plan must not change result type"). The repositories name their columns; one that does not runs
 * unnamed.
 */
const SELECTS_EVERY_COLUMN = /\bselect\s+\*|,\s*\*|\.\*/i;

interface ConnectionSource {
  acquireConnection(): Promise<unknown>;
  releaseConnection(connection: unknown): Promise<unknown>;
}

export async function readRows<Row = Record<string, unknown>>(em: EntityManager, statement: SqlFragment): Promise<Row[]> {
  // A knex transaction's client hands out that transaction's connection and releases nothing.
  const transaction = em.getTransactionContext<{ client: ConnectionSource }>();
  const source: ConnectionSource = transaction?.client ?? em.getConnection().getKnex().client;
  const startedAt = em.config.getLogger().isEnabled('query') ? performance.now() : undefined;
  let connection: PooledConnection | undefined;
  try {
    connection = (await source.acquireConnection()) as PooledConnection;
    const { text, values } = statement;
    const { rows } = await connection.query({ name: preparingConnections.has(connection) ? statementName(text) : undefined, text, values });
    if (startedAt !== undefined) logQuery(em, statement, startedAt, { results: rows.length });
    return rows as Row[];
  } catch (error) {
    if (startedAt !== undefined) logQuery(em, statement, startedAt, { level: 'error' });
    throw em.getDriver().convertException(error as Error);
  } finally {
    if (connection) await source.releaseConnection(connection);
  }
}

/** To MikroORM's query log, as em.execute logs its statements: with the values written in. */
function logQuery(em: EntityManager, statement: SqlFragment, startedAt: number, context: { results?: number; level?: 'error' }): void {
  const platform = em.getPlatform();
  const query = statement.strings.reduce((text, part, index) => `${text}${platform.quoteValue(statement.values[index - 1])}${part}`);
  const took = Math.round(performance.now() - startedAt);
  em.config.getLogger().logQuery({ level: 'info', connection: { type: 'read', name: 'readRows' }, query, took, ...context });
}
