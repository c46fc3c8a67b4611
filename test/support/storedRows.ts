// Rows as the database holds them, read with raw SQL beside the API: what a test checks the API wrote, or
// that it wrote nothing.
import type { TestServer } from './testServer';

/** A server's SQL (or anything that runs SQL the same way: an ORM's own connection). */
export type SqlRunner = Pick<TestServer, 'sql'>;

/** Row count of each of `tables`, by default every table of the public schema: equal before and after means nothing was written. */
export async function rowCounts(server: SqlRunner, tables?: readonly string[]): Promise<Record<string, number>> {
  const names = tables ?? (await server.sql<{ name: string }>(`select table_name as name from information_schema.tables where table_schema = 'public' order by 1`)).map((row) => row.name);
  const counts: Record<string, number> = {};
  for (const name of names) {
    const [row] = await server.sql<{ count: string | number }>(`select count(*) as count from "${name}"`);
    counts[name] = Number(row.count);
  }
  return counts;
}

/** The row as Postgres holds it, keyed by column, timestamps as UTC ISO strings (as audit snapshots hold them). */
export async function storedRow(server: SqlRunner, table: string, keyColumn: string, key: string | number): Promise<Record<string, unknown> | undefined> {
  const [found] = await server.sql<{ row: Record<string, unknown> }>(`select to_jsonb(t) as row from "${table}" t where "${keyColumn}" = ?`, [key]);
  return found && withUtcTimestamps(found.row);
}

// to_jsonb writes timestamp(3) without time zone as local text with no zone; it holds UTC.
function withUtcTimestamps(row: Record<string, unknown>): Record<string, unknown> {
  const timestamp = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$/;
  return Object.fromEntries(
    Object.entries(row).map(([column, value]) => [column, typeof value === 'string' && timestamp.test(value) ? new Date(`${value}Z`).toISOString() : value]),
  );
}
