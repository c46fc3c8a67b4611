// Tells a database that cannot be reached (down, restarting, refusing connections, connection cut) from
// other failures: the first is the client's cue to retry, not a bug.

/** SQLSTATE classes and codes meaning "no usable connection", whatever the statement was. */
const UNAVAILABLE_SQLSTATES = [
  /^08/, // connection_exception
  /^57P0[1-4]$/, // admin_shutdown, crash_shutdown, cannot_connect_now, database_dropped
  /^53300$/, // too_many_connections
];

const UNAVAILABLE_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

// node-postgres and knex report some connection losses by message only.
const UNAVAILABLE_MESSAGES = [
  /Connection terminated/i,
  /connection error and is not queryable/i,
  /is not currently accepting connections/i,
  /Timeout acquiring a connection/i,
  /Client was closed and is not queryable/i,
  // knex ends a transaction whose connection died; its next statement reports this.
  /Transaction query already complete/i,
];

interface ErrorLike {
  code?: unknown;
  message?: unknown;
  originalError?: unknown;
  cause?: unknown;
}

/**
 * True when `error`, or an error it wraps, says the database could not be reached or dropped the connection.
 * Duck-typed, not `instanceof Error`: socket errors come from Node's own realm, which differs under jest.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  let current = error as ErrorLike | undefined;
  for (let depth = 0; typeof current === 'object' && current !== null && depth < 5; depth += 1) {
    const { code, message } = current;
    if (typeof code === 'string' && (UNAVAILABLE_NODE_CODES.has(code) || UNAVAILABLE_SQLSTATES.some((pattern) => pattern.test(code)))) return true;
    if (typeof message === 'string' && UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message))) return true;
    current = (current.originalError ?? current.cause) as ErrorLike | undefined;
  }
  return false;
}
