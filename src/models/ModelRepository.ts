// All of the model aggregate's SQL. Reads are plain SELECTs returning StoredModelRows (the ORM's entity factory costs
// several times as much per row); changes lock and load the entity through the ORM, whose unit of work writes the
// audit trail.
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { scopeCondition, type TeamScope } from '../access/TeamScope';
import { ProxyModel } from '../database/entities/ProxyModel';
import { readRows } from '../database/readRows';
import type { SchemaFacts } from '../database/schema/SchemaFacts';
import { sql, table, trusted, utcTimestampLiteral, where, type SqlFragment } from '../database/sql';
import { TABLES } from '../database/tables';
import { readUtcTimestamp } from '../database/utcTimestamps';
import { SQL_FUNCTIONS } from '../database/schema/sqlFunctions';
import { TEAM_PUBLIC_NAME_KEY } from '../teams/teamModels';
import { CREDENTIAL_NAME_PARAM } from '../credentials/credentialReference';
import { ownerTeamSql } from './ownerTeam';

/** A model row as stored: JSON columns as the driver reads them (objects, or the strings older proxies wrote). */
export interface StoredModel {
  modelId: string;
  modelName: string;
  litellmParams: unknown;
  modelInfo: unknown;
  blocked: boolean;
  createdAt: Date;
  createdBy: string;
  updatedAt: Date;
  updatedBy: string;
}

/** What `models` may filter on, besides the caller's scope. */
export interface StoredModelFilter {
  /** Only models of this team. */
  teamId?: string;
  /** Case-insensitive substring of the public name. */
  publicName?: string;
  /** Only blocked (true) or only unblocked (false) models. */
  blocked?: boolean;
}

/** The newest audit entry of a model: who changed it last, when and how. */
export interface LastModelChange {
  changedBy: string;
  updatedAt: Date;
  action: string;
}

/** Keyset position: models are listed by (created_at, model_id). */
export interface StoredModelPosition {
  createdAt: Date;
  modelId: string;
}

/** A model row as the driver returns it: the JSON columns as their JSON text (model nodes are built from it once, see storedModelNodes.ts). */
export interface StoredModelRow {
  model_id: string;
  model_name: string;
  litellm_params: string | null;
  model_info: string | null;
  blocked: boolean | null;
  created_at: unknown;
  created_by: string;
  updated_at: unknown;
  updated_by: string;
}

const OWNER_TEAM = ownerTeamSql('model_info');
const STORED_PARAMS = trusted(`${SQL_FUNCTIONS.decodedJson}(litellm_params)`);
const PUBLIC_NAME_KEY = `${SQL_FUNCTIONS.decodedJson}(model_info) -> '${TEAM_PUBLIC_NAME_KEY}'`;
/**
 * publicNameOf in SQL: the name clients see. A team model's stored name ends in a random uuid that would match a
 * substring by chance, so the filter looks at this one.
 */
const PUBLIC_NAME = trusted(`COALESCE(CASE WHEN jsonb_typeof(${PUBLIC_NAME_KEY}) = 'string' THEN NULLIF(${PUBLIC_NAME_KEY} #>> '{}', '') END, model_name)`);

export class ModelRepository {
  private readonly columns: SqlFragment;
  private readonly hasBlockedColumn: boolean;

  constructor(
    private readonly em: EntityManager,
    schema: SchemaFacts,
  ) {
    this.hasBlockedColumn = schema.modelBlockedColumn;
    // An older proxy's table has no `blocked`: every model reads as not blocked there. The JSON columns come as text,
    // which PostgreSQL writes out anyway: a row read before is recognised by it without parsing anything.
    this.columns = trusted(
      `model_id, model_name, litellm_params::text AS litellm_params, model_info::text AS model_info, ${schema.modelBlockedColumn ? 'blocked' : 'false AS blocked'}, created_at, created_by, updated_at, updated_by`,
    );
  }

  async findById(id: string): Promise<StoredModelRow | null> {
    const [row] = await readRows<StoredModelRow>(this.em, sql`SELECT ${this.columns} FROM ${table(TABLES.proxyModel)} WHERE model_id = ${id}`);
    return row ?? null;
  }

  /** The models with these ids, in the order asked for; null where there is none. */
  async findByIds(ids: readonly string[]): Promise<(StoredModelRow | null)[]> {
    const rows = await readRows<StoredModelRow>(
      this.em,
      sql`SELECT ${this.columns} FROM ${table(TABLES.proxyModel)} WHERE model_id = ANY(${[...ids]}::text[])`,
    );
    const byId = new Map(rows.map((row) => [row.model_id, row]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  /** Up to `limit` models within `scope`, after `after`, by (created_at, model_id). */
  page(scope: TeamScope, filter: StoredModelFilter, after: StoredModelPosition | undefined, limit: number): Promise<StoredModelRow[]> {
    const conditions = this.conditions(scope, filter);
    if (after) conditions.push(sql`(created_at, model_id) > (${utcTimestampLiteral(after.createdAt)}::timestamp, ${after.modelId})`);
    return readRows<StoredModelRow>(
      this.em,
      sql`SELECT ${this.columns} FROM ${table(TABLES.proxyModel)} ${where(conditions)} ORDER BY created_at, model_id LIMIT ${limit}`,
    );
  }

  async count(scope: TeamScope, filter: StoredModelFilter): Promise<number> {
    const [{ count }] = await readRows<{ count: string }>(
      this.em,
      sql`SELECT count(*) AS count FROM ${table(TABLES.proxyModel)} ${where(this.conditions(scope, filter))}`,
    );
    return Number(count);
  }

  /** The models within `scope` whose litellm_params name a stored credential (its name is encrypted: the caller decrypts). */
  async withStoredCredential(scope: TeamScope): Promise<StoredModel[]> {
    const conditions = this.conditions(scope, {});
    conditions.push(sql`${STORED_PARAMS} ? ${CREDENTIAL_NAME_PARAM}::text`);
    const rows = await readRows<StoredModelRow>(
      this.em,
      sql`SELECT ${this.columns} FROM ${table(TABLES.proxyModel)} ${where(conditions)} ORDER BY created_at, model_id`,
    );
    return rows.map(storedModelOf);
  }

  /** The model's newest audit entry (under either table name the proxy ever used for models), in `em`'s transaction. */
  async lastChange(em: EntityManager, modelId: string): Promise<LastModelChange | null> {
    const [row] = await readRows<{ changed_by: string; updated_at: unknown; action: string }>(
      em,
      sql`SELECT changed_by, updated_at, action FROM ${table(TABLES.auditLog)}
          WHERE object_id = ${modelId} AND table_name = ANY(${[TABLES.proxyModel, TABLES.teamModelAliases]}::text[])
          ORDER BY updated_at DESC, id DESC LIMIT 1`,
    );
    return row ? { changedBy: row.changed_by, updatedAt: readUtcTimestamp(row.updated_at), action: row.action } : null;
  }

  /** Locks the row (SELECT … FOR UPDATE) in `em`'s transaction, so concurrent changes apply one after the other. */
  lockForChange(em: EntityManager, id: string): Promise<ProxyModel | null> {
    return em.findOne(ProxyModel, { modelId: id }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
  }

  /** The team's latest other model called `publicName`, in `em`'s transaction (the alias moves to it on a delete). */
  latestOtherWithPublicName(em: EntityManager, teamId: string, publicName: string, excludeId: string): Promise<ProxyModel | null> {
    return em.findOne(
      ProxyModel,
      { modelId: { $ne: excludeId }, modelInfo: { team_id: teamId, [TEAM_PUBLIC_NAME_KEY]: publicName } },
      { orderBy: { createdAt: 'desc', modelId: 'desc' } },
    );
  }

  private conditions(scope: TeamScope, filter: StoredModelFilter): SqlFragment[] {
    const conditions: SqlFragment[] = [];
    if (!scope.all) conditions.push(scopeCondition(scope, OWNER_TEAM));
    if (filter.teamId) conditions.push(sql`${OWNER_TEAM} = ${filter.teamId}`);
    if (filter.publicName) conditions.push(sql`${PUBLIC_NAME} ILIKE ${`%${escapeLike(filter.publicName)}%`}`);
    if (filter.blocked !== undefined) {
      // Without the column nothing is blocked.
      conditions.push(this.hasBlockedColumn ? sql`blocked = ${filter.blocked}` : trusted(filter.blocked ? 'FALSE' : 'TRUE'));
    }
    return conditions;
  }
}

export function storedModelOf(row: StoredModelRow): StoredModel {
  return {
    modelId: row.model_id,
    modelName: row.model_name,
    litellmParams: jsonOfText(row.litellm_params),
    modelInfo: jsonOfText(row.model_info),
    blocked: row.blocked === true,
    createdAt: readUtcTimestamp(row.created_at),
    createdBy: row.created_by,
    updatedAt: readUtcTimestamp(row.updated_at),
    updatedBy: row.updated_by,
  };
}

/**
 * What the driver would have parsed the column into. jsonb's text is always JSON; a column of another type (never the
 * proxy's, but a hand-made table) is handed over as the string it holds, as the driver hands over text.
 */
function jsonOfText(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}
