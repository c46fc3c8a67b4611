// The SQL statements every `pg` client in this process sends while `run` runs, captured at the driver (which MikroORM
// uses for PostgreSQL and PGlite alike): the hook lives in tests only, so the server has no code path for it.
import { Client } from 'pg';

export interface SentStatement {
  text: string;
  values: unknown[];
}

export async function statementsSentBy(run: () => Promise<void>): Promise<SentStatement[]> {
  const prototype = Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const query = prototype.query;
  const sent: SentStatement[] = [];
  prototype.query = function capturedQuery(this: Client, ...args: unknown[]) {
    const [first, second] = args;
    if (typeof first === 'string') sent.push({ text: first, values: Array.isArray(second) ? second : [] });
    // The repositories' reads go as { name, text, values }: prepared by name (src/database/readRows.ts).
    else if (isQueryConfig(first)) sent.push({ text: first.text, values: first.values ?? [] });
    else sent.push({ text: '', values: [] });
    return query.apply(this, args);
  };
  try {
    await run();
  } finally {
    prototype.query = query;
  }
  return sent;
}

function isQueryConfig(value: unknown): value is { text: string; values?: unknown[] } {
  return typeof value === 'object' && value !== null && typeof (value as { text?: unknown }).text === 'string';
}
