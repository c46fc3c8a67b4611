// The rows of a hand-written SELECT. Outside a transaction the statement goes straight to a pooled connection
// of the ORM's own driver, with its parameters bound by PostgreSQL: em.execute first inlines every parameter
// into the SQL text and runs it through knex's query runner, which cost more CPU than the rest of reading a
// model by id (see bench/compare). Inside a transaction it runs in that transaction, through em.execute (a
// read must see the transaction's writes, and PGlite's single connection is held by it). Errors are converted
// by the driver exactly as em.execute converts them, and the statement goes to MikroORM's query log (`debug`)
// as em.execute's would.
import { performance } from 'node:perf_hooks';
import type { EntityManager } from '@mikro-orm/postgresql';

interface PooledConnection {
  query(sql: string, params: readonly unknown[]): Promise<{ rows: unknown[] }>;
}

export async function readRows<Row = Record<string, unknown>>(em: EntityManager, sql: string, params: readonly unknown[] = []): Promise<Row[]> {
  if (em.getTransactionContext()) return em.execute<Row[]>(sql, [...params]);
  const { client } = em.getConnection().getKnex();
  const statement = numberedPlaceholders(sql);
  const startedAt = em.config.getLogger().isEnabled('query') ? performance.now() : undefined;
  let connection: PooledConnection | undefined;
  try {
    connection = (await client.acquireConnection()) as PooledConnection;
    const { rows } = await connection.query(statement, params);
    if (startedAt !== undefined) logQuery(em, sql, params, startedAt, { results: rows.length });
    return rows as Row[];
  } catch (error) {
    if (startedAt !== undefined) logQuery(em, sql, params, startedAt, { level: 'error' });
    throw em.getDriver().convertException(error as Error);
  } finally {
    if (connection) await client.releaseConnection(connection);
  }
}

/** To MikroORM's query log, as em.execute logs its statements: with the values written in. */
function logQuery(em: EntityManager, sql: string, params: readonly unknown[], startedAt: number, context: { results?: number; level?: 'error' }): void {
  const query = replacePlaceholders(sql, (number) => em.getPlatform().quoteValue(params[number - 1]));
  const took = Math.round(performance.now() - startedAt);
  em.config.getLogger().logQuery({ level: 'info', connection: { type: 'read', name: 'readRows' }, query, took, ...context });
}

/**
 * `?` placeholders (as em.execute takes them) as PostgreSQL's `$1, $2, …`. A `?` inside a quoted literal or
 * identifier is left alone; the jsonb operators `?`, `?|` and `?&` cannot be written in these statements
 * (use jsonb_exists and friends), and `??` is refused rather than guessed at.
 */
export function numberedPlaceholders(sql: string): string {
  return replacePlaceholders(sql, (number) => `$${number}`);
}

/** Each `?` placeholder, as numberedPlaceholders finds them, replaced by what `replacement` makes of its number (from 1). */
export function replacePlaceholders(sql: string, replacement: (number: number) => string): string {
  let replaced = '';
  let parameter = 0;
  let quote: "'" | '"' | undefined;
  for (let index = 0; index < sql.length; index += 1) {
    const character = sql[index];
    if (quote) {
      if (character === quote) quote = undefined; // a doubled quote closes and reopens: the same result
    } else if (character === "'" || character === '"') {
      quote = character;
    } else if (character === '?') {
      if (sql[index + 1] === '?' || sql[index + 1] === '|' || sql[index + 1] === '&') {
        throw new Error(`numberedPlaceholders: "${sql.slice(index, index + 2)}" at ${index} is not a placeholder; write the jsonb operator as a function.`);
      }
      replaced += replacement((parameter += 1));
      continue;
    }
    replaced += character;
  }
  return replaced;
}
