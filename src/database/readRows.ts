// Runs a repository's hand-written SELECT on a connection of the ORM's own driver, with its values bound by
// PostgreSQL: em.execute would first inline every value into the SQL text and run it through knex's query runner,
// which costs more CPU than the rest of reading a model by id. Inside a transaction the statement
// runs on that transaction's connection (a read must see its writes, and PGlite's one connection is held by it).
// Errors are converted by the driver as em.execute converts them; the statement goes to MikroORM's query log
// (`debug`), as em.execute's would.
import { performance } from 'node:perf_hooks';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { SqlFragment } from './sql';

interface PooledConnection {
  query(sql: string, params: readonly unknown[]): Promise<{ rows: unknown[] }>;
}

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
    const { rows } = await connection.query(statement.text, statement.values);
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
