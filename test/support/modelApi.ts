// What the model integration tests share: the model operations as a client sends them, and the rows they are
// checked against (read with the server's own SQL connection).
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TABLES } from '../../src/database/tables';
import { MODEL_FIELDS } from './fixtures';
import { rowCounts } from './storedRows';
import { errorCodes, serverForEachFile, TEST_MASTER_KEY, type GraphqlResponse, type ServerHandle, type TestServer } from './testServer';
import { proxySchemaFixture, type ProxySchemaVersion } from './proxySchemas';
import type { DatabaseKind } from './testDatabases';

export const ADD_MODEL = `mutation Add($input: AddModelInput!) { addModel(input: $input) { ${MODEL_FIELDS} } }`;
export const UPDATE_MODEL = `mutation Update($input: UpdateModelInput!) { updateModel(input: $input) { ${MODEL_FIELDS} } }`;
export const PATCH_MODEL = `mutation Patch($id: ID!, $patch: PatchModelInput!) { patchModel(id: $id, patch: $patch) { ${MODEL_FIELDS} } }`;
export const DELETE_MODEL = `mutation Delete($id: ID!) { deleteModel(id: $id) { id message model { ${MODEL_FIELDS} } } }`;
export const MODEL = `query Model($id: ID!) { model(id: $id) { ${MODEL_FIELDS} } }`;
export const MODELS = `query Models($filter: ModelFilter, $first: Int, $after: String) {
  models(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { ${MODEL_FIELDS} } }
  }
}`;

/** A database holding the proxy's own tables (test/fixtures/proxy-schemas) before the server first starts on it. */
export function serverOverProxySchema(kind: DatabaseKind, version: ProxySchemaVersion): ServerHandle {
  return serverForEachFile(kind, undefined, { beforeStart: (database) => database.sql(proxySchemaFixture(version)).then(() => undefined) });
}

export const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** A proxy-format config file in a fresh temporary folder; returns its path. */
export function writeConfigFile(yaml: string): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'mag-config-')), 'config.yaml');
  writeFileSync(file, yaml);
  return file;
}

export type StoredModelRow = {
  model_id: string;
  model_name: string;
  litellm_params: Record<string, unknown>;
  model_info: Record<string, unknown> | null;
  created_at: Date;
  created_by: string;
  updated_at: Date;
  updated_by: string;
};

/** The row as stored; its timestamps (timestamp(3) holding UTC, read as text) as Dates. */
export async function storedModel(server: TestServer, id: string): Promise<StoredModelRow | undefined> {
  const [row] = await server.sql<StoredModelRow>(`select * from "${TABLES.proxyModel}" where model_id = ?`, [id]);
  return row && { ...row, created_at: utcTimestamp(row.created_at), updated_at: utcTimestamp(row.updated_at) };
}

function utcTimestamp(value: Date | string): Date {
  return value instanceof Date ? value : new Date(`${value.replace(' ', 'T')}Z`);
}

/** Every table a model mutation may write. */
export const MODEL_MUTATION_TABLES = [TABLES.proxyModel, TABLES.auditLog, TABLES.teamModelAliases, TABLES.team];

/** Every row of every table a model mutation may write, as JSON: equal before and after means nothing changed at all. */
export async function tableContents(server: TestServer): Promise<Record<string, unknown[]>> {
  const tables = [TABLES.proxyModel, TABLES.auditLog, TABLES.teamModelAliases, TABLES.team];
  const contents: Record<string, unknown[]> = {};
  for (const table of tables) {
    const rows = await server.sql<{ row: unknown }>(`select to_jsonb(t) as row from "${table}" t order by to_jsonb(t)::text`);
    contents[table] = rows.map(({ row }) => row);
  }
  return contents;
}

/** Runs `operation` and asserts it changed no row of any table a model mutation touches (not only their counts). */
export async function expectTablesUnchanged<T>(server: TestServer, operation: () => Promise<T>): Promise<T> {
  const before = await tableContents(server);
  const result = await operation();
  expect(await tableContents(server)).toEqual(before);
  return result;
}

/** The one error of a response, asserted to carry `code`. */
export function expectError(response: GraphqlResponse, code: string) {
  expect(errorCodes(response)).toEqual([code]);
  return response.errors![0];
}

/** Runs `operation` and asserts it wrote no row to any table a model mutation touches. */
export async function expectNothingWritten<T>(server: TestServer, operation: () => Promise<T>): Promise<T> {
  const before = await rowCounts(server, MODEL_MUTATION_TABLES);
  const result = await operation();
  expect(await rowCounts(server, MODEL_MUTATION_TABLES)).toEqual(before);
  return result;
}

/** The response body exactly as the client receives it, for checks on what it contains anywhere. */
export async function rawGraphql(server: TestServer, query: string, variables?: Record<string, unknown>, key: string = TEST_MASTER_KEY): Promise<string> {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  return response.text();
}

export async function teamRow(server: TestServer, teamId: string) {
  const [team] = await server.sql<{ models: string[] | null; model_id: number | null }>(
    `select models, model_id from "${TABLES.team}" where team_id = ?`,
    [teamId],
  );
  return team;
}

export async function teamAliases(server: TestServer, teamId: string): Promise<Record<string, string> | null> {
  const [row] = await server.sql<{ aliases: Record<string, string> | null }>(
    `select a.aliases from "${TABLES.teamModelAliases}" a join "${TABLES.team}" t on t.model_id = a.id where t.team_id = ?`,
    [teamId],
  );
  return row ? row.aliases : null;
}
