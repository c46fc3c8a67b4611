// SQL fragments shared by the hand-written read queries.

/** A jsonb expression that may hold an object or (older proxies) a JSON-encoded string of one. */
export function decodedJsonSql(expression: string): string {
  return `(CASE WHEN jsonb_typeof(${expression}) = 'string' THEN (${expression} #>> '{}')::jsonb ELSE ${expression} END)`;
}

/** A Date as a timestamp-without-time-zone literal holding UTC, as the proxy's columns do. */
export function utcTimestampLiteral(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

/** `?, ?, ?` for a list of values. */
export function placeholders(values: readonly unknown[]): string {
  return values.map(() => '?').join(', ');
}
