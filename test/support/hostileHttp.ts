// Raw HTTP for hardening tests: bodies sent byte for byte (broken JSON included), and the checks every
// answer to a hostile request must pass — no stack trace, no file path, no SQL.
import { TEST_MASTER_KEY } from './testServer';

export interface RawResponse {
  status: number;
  text: string;
  /** The parsed body, when it is JSON. */
  json?: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: { code?: string } }[] };
}

export const JSON_HEADERS = { 'content-type': 'application/json' };
export const MASTER_KEY_HEADERS = { ...JSON_HEADERS, authorization: `Bearer ${TEST_MASTER_KEY}` };

export async function sendRaw(url: string, init: { method?: string; body?: string | Buffer; headers?: Record<string, string> }): Promise<RawResponse> {
  const response = await fetch(url, { method: init.method ?? 'POST', headers: init.headers ?? MASTER_KEY_HEADERS, body: init.body });
  const text = await response.text();
  let json: RawResponse['json'];
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, text, json };
}

// What must never reach a client: stack frames, source or dependency paths, SQL or the database's own messages.
const LEAKS: [string, RegExp][] = [
  ['stack frame', /\bat (?:async )?[\w$.<>[\] ]+ \(|(?:^|\\n|\n)\s+at \S/],
  ['source path', /\/src\/|\/dist\/|node_modules|\.[jt]s:\d+/],
  // As MikroORM writes it: quoted identifiers. Table names alone are data here (AuditLog.tableName).
  ['SQL text', /\bselect\s.{0,300}?\bfrom\s+\\?"|\b(?:insert into|update|delete from|join)\s+\\?"\w+\\?"|\bwhere\s+\\?"?\w+\\?"?\s*(?:=|in\s*\()/i],
  ['database message', /relation "|syntax error at or near|violates [\w ]*constraint|duplicate key value|invalid byte sequence|invalid input syntax|stack depth limit/i],
  ['stacktrace field', /"stacktrace"/],
];

/** The kind of internal detail `text` gives away, or null. */
export function leakIn(text: string): string | null {
  for (const [kind, pattern] of LEAKS) {
    const match = pattern.exec(text);
    if (match) return `${kind}: ${JSON.stringify(match[0])}`;
  }
  return null;
}

/** Error codes that mean the server failed rather than the request: a hostile request must never cause one. */
export const SERVER_FAILURE_CODES = ['INTERNAL_SERVER_ERROR', 'SERVICE_UNAVAILABLE', 'REQUEST_TIMEOUT'];

/** Polls `condition` until it holds; throws, naming `what`, when it has not within `timeoutMs`. */
export async function waitUntil(what: string, condition: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
