// The floor of our own stack: Apollo Server 5 over node:http (the same Apollo options we run with: no
// cache-control or landing-page plugin) answering our four operations, written the way our clients send
// them, each with one hand-written resolver over pg. No auth, no ORM, no type-graphql, no decryption or
// masking, no log line. What is left between it and us is our own work; what is left between it and
// PostGraphile is what Apollo Server costs per request. The write runs the statements our unit of work
// runs (BEGIN, INSERT model, INSERT audit row, COMMIT). WITH_ASYNC_LOCAL_STORAGE=1 turns Node 20's promise hooks on,
// as MikroORM's first write does in our server (see enterAsyncLocalStorageWhenAsked).
import { randomUUID } from 'node:crypto';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { buildSchema } from 'graphql';
import { Pool } from 'pg';
import { TABLES } from '../../src/database/tables';
import { enterAsyncLocalStorageWhenAsked, listenWithApollo } from '../apolloOverHttp';

// Custom scalars of buildSchema pass values through unchanged: JSON columns as pg parsed them.
const SCHEMA = buildSchema(`
  scalar JSON
  type Model { id: ID! modelName: String! publicModelName: String! teamId: String litellmParams: JSON! modelInfo: JSON!
    createdAt: String createdBy: String updatedAt: String updatedBy: String }
  type PageInfo { hasNextPage: Boolean! endCursor: String }
  type ModelEdge { cursor: String! node: Model! }
  type ModelConnection { totalCount: Int! pageInfo: PageInfo! edges: [ModelEdge!]! }
  type AuditLog { id: ID! action: String! tableName: String! objectId: String! changedBy: String! updatedAt: String!
    beforeValue: JSON updatedValues: JSON }
  type AuditLogEdge { cursor: String! node: AuditLog! }
  type AuditLogConnection { edges: [AuditLogEdge!]! }
  input AuditLogFilter { objectId: ID }
  input AddModelInput { modelName: String! litellmParams: JSON! }
  type Query {
    model(id: ID!): Model
    models(first: Int!): ModelConnection!
    auditLogs(filter: AuditLogFilter!, first: Int!): AuditLogConnection!
  }
  type Mutation { addModel(input: AddModelInput!): Model! }
`);

type Row = Record<string, any>;

const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DATABASE_POOL_SIZE ?? 10) });
const cursor = (...parts: unknown[]) => Buffer.from(JSON.stringify(parts)).toString('base64');

function modelNode(row: Row) {
  const modelInfo = row.model_info ?? {};
  return {
    id: row.model_id,
    modelName: row.model_name,
    publicModelName: modelInfo.team_public_model_name ?? row.model_name,
    teamId: modelInfo.team_id ?? null,
    litellmParams: row.litellm_params,
    modelInfo,
    createdAt: row.created_at?.toISOString(),
    createdBy: row.created_by,
    updatedAt: row.updated_at?.toISOString(),
    updatedBy: row.updated_by,
  };
}

const rootValue = {
  async model({ id }: { id: string }) {
    const { rows } = await pool.query(`SELECT * FROM "${TABLES.proxyModel}" WHERE model_id = $1`, [id]);
    return rows[0] ? modelNode(rows[0]) : null;
  },
  async models({ first }: { first: number }) {
    const [page, count] = await Promise.all([
      pool.query(`SELECT * FROM "${TABLES.proxyModel}" ORDER BY created_at, model_id LIMIT $1`, [first + 1]),
      pool.query<{ count: string }>(`SELECT count(*) FROM "${TABLES.proxyModel}"`),
    ]);
    const edges = page.rows.slice(0, first).map((row: Row) => ({ cursor: cursor(row.created_at, row.model_id), node: modelNode(row) }));
    return { totalCount: Number(count.rows[0].count), pageInfo: { hasNextPage: page.rows.length > first, endCursor: edges.at(-1)?.cursor ?? null }, edges };
  },
  async auditLogs({ filter, first }: { filter: { objectId?: string }; first: number }) {
    const { rows } = await pool.query(`SELECT * FROM "${TABLES.auditLog}" WHERE object_id = $1 ORDER BY updated_at DESC, id DESC LIMIT $2`, [filter.objectId, first]);
    return {
      edges: rows.map((row: Row) => ({
        cursor: cursor(row.updated_at, row.id),
        node: {
          id: row.id,
          action: row.action,
          tableName: row.table_name,
          objectId: row.object_id,
          changedBy: row.changed_by,
          updatedAt: row.updated_at.toISOString(),
          beforeValue: row.before_value,
          updatedValues: row.updated_values,
        },
      })),
    };
  },
  async addModel({ input }: { input: { modelName: string; litellmParams: object } }) {
    const client = await pool.connect();
    try {
      const id = randomUUID();
      await client.query('BEGIN');
      const { rows } = await client.query(
        `INSERT INTO "${TABLES.proxyModel}" (model_id, model_name, litellm_params, model_info, created_at, updated_at, created_by, updated_by)
         VALUES ($1, $2, $3, $4, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC', 'default_user_id', 'default_user_id') RETURNING *`,
        [id, input.modelName, input.litellmParams, { id }],
      );
      await client.query(
        `INSERT INTO "${TABLES.auditLog}" (id, updated_at, changed_by, action, table_name, object_id, updated_values)
         VALUES ($1, now() AT TIME ZONE 'UTC', 'default_user_id', 'created', '${TABLES.proxyModel}', $2, $3)`,
        [randomUUID(), id, rows[0]],
      );
      await client.query('COMMIT');
      return modelNode(rows[0]);
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  },
};

async function main(): Promise<void> {
  enterAsyncLocalStorageWhenAsked();
  const apollo = new ApolloServer({
    schema: SCHEMA,
    rootValue,
    plugins: [ApolloServerPluginCacheControlDisabled(), ApolloServerPluginLandingPageDisabled()],
    stopOnTerminationSignals: false,
  });
  await apollo.start();
  const server = listenWithApollo(apollo, Number(process.env.PORT), process.env.HOST);
  process.on('SIGTERM', () => {
    server.close(() => void Promise.all([apollo.stop(), pool.end()]).then(() => process.exit(0)));
  });
}

void main();
