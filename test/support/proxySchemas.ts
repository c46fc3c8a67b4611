// The proxy's own DDL for the tables this API uses, as an older and a current proxy create them (test/fixtures).
import { readFileSync } from 'node:fs';
import path from 'node:path';

export type ProxySchemaVersion = 'older' | 'current';

/** The fixture's statements as one SQL text (a simple query may hold several statements). */
export function proxySchemaFixture(version: ProxySchemaVersion): string {
  return readFileSync(path.join(__dirname, '..', 'fixtures', 'proxy-schemas', `${version}.sql`), 'utf8');
}
