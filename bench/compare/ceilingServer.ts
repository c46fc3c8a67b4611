// The benchmark's ceiling: node:http and pg with nothing else, answering each read with one hand-written
// SQL statement whose JSON Postgres builds itself, and the write as one statement (model + audit row, one
// transaction). No GraphQL, no auth, no decryption: what the database and HTTP cost alone.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { Pool } from 'pg';
import { TABLES } from '../../src/database/tables';

const MODEL_JSON = `json_build_object('modelId', m.model_id, 'modelName', m.model_name, 'litellmParams', m.litellm_params,
  'modelInfo', m.model_info, 'createdAt', m.created_at, 'createdBy', m.created_by, 'updatedAt', m.updated_at, 'updatedBy', m.updated_by)`;
const AUDIT_JSON = `json_build_object('id', a.id, 'action', a.action, 'tableName', a.table_name, 'objectId', a.object_id,
  'changedBy', a.changed_by, 'updatedAt', a.updated_at, 'beforeValue', a.before_value, 'updatedValues', a.updated_values)`;

/** Each route: its SQL and how a request body becomes its parameters. The first column of the one row is the response. */
const ROUTES: Record<string, { sql: string; params(body: Record<string, unknown>): unknown[] }> = {
  '/model': {
    sql: `SELECT json_build_object('data', json_build_object('model', (SELECT ${MODEL_JSON} FROM "${TABLES.proxyModel}" m WHERE m.model_id = $1)))::text`,
    params: (body) => [body.id],
  },
  '/models': {
    sql: `SELECT json_build_object('data', json_build_object('models', json_build_object(
            'totalCount', (SELECT count(*) FROM "${TABLES.proxyModel}"),
            'nodes', (SELECT coalesce(json_agg(${MODEL_JSON} ORDER BY m.created_at, m.model_id), '[]')
                      FROM (SELECT * FROM "${TABLES.proxyModel}" ORDER BY created_at, model_id LIMIT $1) m))))::text`,
    params: (body) => [body.first],
  },
  '/audit': {
    sql: `SELECT json_build_object('data', json_build_object('auditLogs', (
            SELECT coalesce(json_agg(${AUDIT_JSON} ORDER BY a.updated_at DESC, a.id DESC), '[]')
            FROM (SELECT * FROM "${TABLES.auditLog}" WHERE object_id = $1 ORDER BY updated_at DESC, id DESC LIMIT $2) a)))::text`,
    params: (body) => [body.modelId, body.first],
  },
  '/addModel': {
    sql: `WITH m AS (
            INSERT INTO "${TABLES.proxyModel}" (model_id, model_name, litellm_params, model_info, created_at, updated_at, created_by, updated_by)
            VALUES ($1, $2, $3, $4, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC', 'default_user_id', 'default_user_id') RETURNING *
          ), audit AS (
            INSERT INTO "${TABLES.auditLog}" (id, updated_at, changed_by, action, table_name, object_id, updated_values)
            SELECT $5, m.updated_at, m.created_by, 'created', '${TABLES.proxyModel}', m.model_id, to_jsonb(m) FROM m
          )
          SELECT json_build_object('data', json_build_object('addModel', json_build_object('modelId', m.model_id, 'modelName', m.model_name)))::text FROM m`,
    params: (body) => {
      const id = randomUUID();
      return [id, body.modelName, body.litellmParams, { id }, randomUUID()];
    },
  },
};

const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DATABASE_POOL_SIZE ?? 10) });

const server = http.createServer((request, response) => {
  const route = ROUTES[request.url ?? ''];
  if (request.url === '/healthz') return send(response, 200, '{"status":"ok"}');
  if (!route || request.method !== 'POST') return send(response, 404, '{"error":"not found"}');
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
    pool.query<[string]>({ text: route.sql, values: route.params(body), rowMode: 'array' }).then(
      (result) => send(response, 200, result.rows[0][0]),
      (error: unknown) => send(response, 500, JSON.stringify({ errors: [{ message: String(error) }] })),
    );
  });
});

function send(response: http.ServerResponse, status: number, body: string): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(body);
}

server.listen(Number(process.env.PORT), process.env.HOST ?? '127.0.0.1');
process.on('SIGTERM', () => {
  server.close(() => {
    void pool.end().then(() => process.exit(0));
  });
});
