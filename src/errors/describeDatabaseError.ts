// What may be said about a failed statement in a log line: the database's code, table and constraint, never the
// statement or its values. knex writes the whole statement, every value inlined, into the error's message
// (`insert into … values ('…ciphertext…') - duplicate key value …`), MikroORM appends the row's values from
// `detail`, and PostgreSQL itself quotes the offending value (`invalid input syntax for type integer: "…"`).
import { DriverException } from '@mikro-orm/core';

export interface DatabaseErrorDescription {
  /** The exception class: `UniqueConstraintViolationException`, `DatabaseError`, `KnexTimeoutError`, … */
  type: string;
  /** SQLSTATE, e.g. `23505`. */
  code?: string;
  severity?: string;
  schema?: string;
  table?: string;
  column?: string;
  dataType?: string;
  constraint?: string;
  /** The database's own message with the statement removed and every quoted value redacted. */
  message: string;
}

/** Stands in for a value the database quoted in its message. */
export const REDACTED_VALUE = '"[redacted]"';
/** Stands in for a statement found inside a message. */
export const OMITTED_STATEMENT = '[statement omitted]';

/** Longest message kept: the database's own messages are one short line. */
const MAX_MESSAGE_LENGTH = 500;

const IDENTIFYING_FIELDS = ['code', 'severity', 'schema', 'table', 'column', 'dataType', 'constraint'] as const;

// Between knex's statement and the database's message.
const STATEMENT_SEPARATOR = ' - ';
// What MikroORM appends to the message of a converted exception (the detail can list the row's values).
const APPENDED_DETAIL = /\n - (?:detail|hint): /;

/**
 * A PostgreSQL message quotes identifiers after the word naming them (`relation "x"`, `constraint "x"`) and
 * values anywhere else (`invalid input syntax for type integer: "…"`, `syntax error at or near "…"`).
 */
const IDENTIFIER_NOUN =
  /\b(?:relation|table|column|constraint|index|schema|database|role|user|type|sequence|view|function|procedure|extension|trigger|encoding|savepoint|cursor|operator|collation|domain|parameter|statement|portal|tablespace|publication|subscription|policy)\s$/i;

/**
 * The start of an SQL statement inside free text: at its start or after a `: ` (`Connection Error: Error: select …`,
 * `Original error: insert into …`), the way knex and the libraries wrapping its errors write them.
 */
const STATEMENT_START =
  /(?:^|: )\s*(?:select|insert|update|delete|with|begin|commit|rollback|savepoint|release|set|lock|create|alter|drop|analyze|truncate|notify|listen|unlisten|copy|do|explain|vacuum|grant|revoke|comment|values|call|prepare|execute|deallocate|discard|reset|show|start|end|abort|declare|fetch|close|move|refresh|reindex|cluster|merge)\b/i;

/**
 * The safe description of a database error, or undefined when `error` is not one. A database error is a
 * MikroORM DriverException, an error the PostgreSQL protocol reported (SQLSTATE `code` and `severity`), or a
 * knex error carrying its statement (`sql`, `bindings`).
 */
export function describeDatabaseError(error: unknown): DatabaseErrorDescription | undefined {
  if (!isDatabaseError(error)) return undefined;
  const fields = error as unknown as Record<string, unknown>;
  const description: DatabaseErrorDescription = { type: errorClassName(error), message: databaseMessage(String(fields.message ?? '')) };
  for (const field of IDENTIFYING_FIELDS) {
    const value = fields[field];
    if (typeof value === 'string' && value !== '') description[field] = value;
  }
  return description;
}

function isDatabaseError(error: unknown): error is Error {
  if (typeof error !== 'object' || error === null) return false;
  if (error instanceof DriverException) return true;
  const fields = error as Record<string, unknown>;
  if (typeof fields.code === 'string' && /^[0-9A-Z]{5}$/.test(fields.code) && typeof fields.severity === 'string') return true;
  return 'sql' in fields || 'bindings' in fields;
}

/**
 * Free text (a driver warning, a message wrapping a database error) with any statement in it omitted and the
 * database's message after it kept, values redacted: `Connection Error: Error: [statement omitted] - terminating
 * connection due to administrator command`. Text holding no statement is returned as it is.
 */
export function withoutStatements(text: string): string {
  const start = STATEMENT_START.exec(text);
  if (!start || !text.includes(STATEMENT_SEPARATOR, start.index)) return text;
  const prefixEnd = start.index + (start[0].startsWith(':') ? 2 : 0);
  return `${text.slice(0, prefixEnd)}${OMITTED_STATEMENT}${STATEMENT_SEPARATOR}${databaseMessage(text.slice(prefixEnd))}`;
}

/**
 * The database's own message out of what knex and MikroORM made of it: `<statement> - <message>` with
 * `\n - detail: …` and `\n - hint: …` appended. The message follows the last separator: the statement (and any
 * value in it) lies before it. Quoted values in the message itself are redacted.
 */
function databaseMessage(text: string): string {
  const appended = APPENDED_DETAIL.exec(text);
  const withoutDetail = appended ? text.slice(0, appended.index) : text;
  const separator = withoutDetail.lastIndexOf(STATEMENT_SEPARATOR);
  const message = separator >= 0 ? withoutDetail.slice(separator + STATEMENT_SEPARATOR.length) : withoutDetail;
  const redacted = redactQuotedValues(message.trim());
  return redacted.length > MAX_MESSAGE_LENGTH ? `${redacted.slice(0, MAX_MESSAGE_LENGTH)}…` : redacted;
}

/**
 * Identifiers stay (`relation "LiteLLM_ProxyModelTable"`); any other quoted text is a value and is redacted up to
 * the message's last quote, since a value may hold quotes of its own (a JSON text cast to integer).
 */
function redactQuotedValues(message: string): string {
  let result = '';
  let position = 0;
  for (;;) {
    const open = message.indexOf('"', position);
    if (open < 0) return result + message.slice(position);
    result += message.slice(position, open);
    const close = message.indexOf('"', open + 1);
    if (close >= 0 && IDENTIFIER_NOUN.test(result)) {
      result += message.slice(open, close + 1);
      position = close + 1;
      continue;
    }
    result += REDACTED_VALUE;
    const lastQuote = message.lastIndexOf('"');
    position = lastQuote > open ? lastQuote + 1 : message.length;
  }
}

/** The class an error was made by (`DatabaseError`, not pg's `name` of "error"). */
export function errorClassName(error: object): string {
  const name = error.constructor?.name;
  return typeof name === 'string' && name !== '' ? name : 'Error';
}
