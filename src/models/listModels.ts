// The `models` query: config-file models first (in file order), then database models by
// (created_at, model_id), keyset-paginated, filtered by what the caller may see.
import type { EntityManager } from '@mikro-orm/postgresql';
import { canSeeModelOfTeam, seesEverything } from '../auth/accessRules';
import type { AuthenticatedPrincipal } from '../auth/Principal';
import type { ConfigModel } from '../config/configFileModels';
import { ProxyModel } from '../database/entities/ProxyModel';
import { hydrateForReading } from '../database/hydrateForReading';
import { decodedJsonSql, utcTimestampLiteral } from '../database/sql';
import { TABLES } from '../database/tables';
import { decodeCursor, encodeCursor, pageSize, toConnection, type Connection } from '../graphql/connection';
import type { ModelFilter } from './model.input';
import { ModelSource, type ModelNode } from './model.type';
import { configModelNode, storedModelNode } from './ModelService';
import { validateModelFilter } from './validateModelInput';
import { readRows } from '../database/readRows';
import { isoTimestamp } from '../database/utcTimestamps';

/** model_info->team_id, also for rows where an older proxy stored model_info as a JSON-encoded string. */
const MODEL_INFO_SQL = decodedJsonSql('model_info');
const TEAM_ID_SQL = `(${MODEL_INFO_SQL} ->> 'team_id')`;
const PUBLIC_NAME_SQL = `(${MODEL_INFO_SQL} ->> 'team_public_model_name')`;

type ModelCursor = { config: number } | { createdAt: string; id: string };

/** Exactly what encodeCursor writes: a config position, or a UTC ISO timestamp and an id the database can compare. */
function isModelCursor(value: unknown): value is ModelCursor {
  if (typeof value !== 'object' || value === null) return false;
  const cursor = value as Record<string, unknown>;
  if ('config' in cursor) return Number.isSafeInteger(cursor.config) && (cursor.config as number) >= 0;
  return isIsoTimestamp(cursor.createdAt) && typeof cursor.id === 'string' && !cursor.id.includes('\u0000');
}

function isIsoTimestamp(value: unknown): value is string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(value)) return false;
  const time = Date.parse(value);
  return !Number.isNaN(time) && new Date(time).toISOString() === value;
}

interface Page<Row> {
  rows: Row[];
  total: number;
}

export async function listModels(
  em: EntityManager,
  configModels: readonly ConfigModel[],
  principal: AuthenticatedPrincipal,
  filter: ModelFilter | null | undefined,
  first: number | null | undefined,
  after: string | null | undefined,
): Promise<Connection<ModelNode>> {
  validateModelFilter(filter);
  const limit = pageSize(first);
  const cursor = after ? decodeCursor(after, isModelCursor) : undefined;

  const configNodes = filter?.source === ModelSource.DB ? [] : matchingConfigModels(configModels, principal, filter);
  const configStart = cursor && 'config' in cursor ? cursor.config + 1 : cursor ? configNodes.length : 0;
  const configPage = configNodes.slice(configStart, configStart + limit + 1);

  const wantsDb = filter?.source !== ModelSource.CONFIG;
  const dbRoom = limit + 1 - configPage.length;
  const dbPage = wantsDb
    ? await queryStoredModels(em, principal, filter, cursor && 'createdAt' in cursor ? cursor : undefined, Math.max(dbRoom, 0))
    : { rows: [], total: 0 };

  type Item = { node: ModelNode; cursor: ModelCursor };
  const items: Item[] = [
    ...configPage.map(({ node, index }) => ({ node, cursor: { config: index } })),
    ...dbPage.rows.map((node) => ({ node, cursor: { createdAt: isoTimestamp(node.createdAt!), id: node.id } })),
  ];
  return toConnection(items, limit, configNodes.length + dbPage.total, (item) => encodeCursor(item.cursor), (item) => item.node);
}

function matchingConfigModels(configModels: readonly ConfigModel[], principal: AuthenticatedPrincipal, filter: ModelFilter | null | undefined) {
  const needle = filter?.modelName?.toLowerCase();
  return configModels
    .map((model, index) => ({ node: configModelNode(model), index }))
    .filter(({ node }) => canSeeModelOfTeam(principal, node.teamId))
    .filter(({ node }) => !filter?.teamId || node.teamId === filter.teamId)
    .filter(({ node }) => !needle || node.publicModelName.toLowerCase().includes(needle));
}

async function queryStoredModels(
  em: EntityManager,
  principal: AuthenticatedPrincipal,
  filter: ModelFilter | null | undefined,
  after: { createdAt: string; id: string } | undefined,
  limit: number,
): Promise<Page<ModelNode>> {
  const conditions: string[] = [];
  const params: unknown[] = [];
  if (!seesEverything(principal)) {
    if (principal.teamId) {
      conditions.push(`(${TEAM_ID_SQL} IS NULL OR ${TEAM_ID_SQL} = ?)`);
      params.push(principal.teamId);
    } else {
      conditions.push(`${TEAM_ID_SQL} IS NULL`);
    }
  }
  if (filter?.teamId) {
    conditions.push(`${TEAM_ID_SQL} = ?`);
    params.push(filter.teamId);
  }
  if (filter?.modelName) {
    // The name clients see: a team model's stored name ends in a random uuid that would match by chance.
    conditions.push(`COALESCE(${PUBLIC_NAME_SQL}, model_name) ILIKE ?`);
    params.push(`%${escapeLike(filter.modelName)}%`);
  }
  const where = conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
  const [{ count }] = await readRows<{ count: string }>(em, `SELECT count(*) AS count FROM "${TABLES.proxyModel}" ${where}`, params);
  if (limit === 0) return { rows: [], total: Number(count) };

  const pageConditions = [...conditions];
  const pageParams = [...params];
  if (after) {
    pageConditions.push('(created_at, model_id) > (?::timestamp, ?)');
    pageParams.push(utcTimestampLiteral(new Date(after.createdAt)), after.id);
  }
  const pageWhere = pageConditions.length ? `WHERE ${pageConditions.join(' AND ')}` : '';
  const rows = await readRows(
    em,
    `SELECT * FROM "${TABLES.proxyModel}" ${pageWhere} ORDER BY created_at, model_id LIMIT ?`,
    [...pageParams, limit],
  );
  return { rows: rows.map((row) => storedModelNode(hydrateForReading(em, ProxyModel, row))), total: Number(count) };
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}
