// No log line holds a plaintext secret, a stored ciphertext or a value of a failed statement, whatever fails:
// a statement cancelled by the statement timeout while its request timed out, a connection the database
// terminated, a unique or check violation deep in a flush (its detail lists the row), a lost database, bad input.
// Every line the server writes is captured (level trace) and searched.
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { TABLES } from '../../../src/database/tables';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../../support/testDatabases';
import { captureLog, startTestServer, TEST_MASTER_KEY, type CapturedServerLog, type TestServer } from '../../support/testServer';
import { sendRaw, waitUntil, type RawResponse } from '../../support/hostileHttp';
import { errorCodes } from '../../support/testServer';

const REQUEST_TIMEOUT_MS = 1_500;

const SECRETS = {
  apiKey: 'sk-log-sweep-api-key-0123456789',
  awsSecret: 'aws-log-sweep-secret-0123456789',
  privateKey: '-----BEGIN PRIVATE KEY----- log-sweep-pem-0123456789',
  headerToken: 'log-sweep-bearer-0123456789',
  urlPassword: 'log-sweep-url-password-0123',
  webhookToken: 'whk-log-sweep-webhook-0123456789',
  badKey: 'sk-log-sweep-not-a-key-0123456789',
};

/** A value that is no secret but sits in the failing statements (model_info is stored as it is). */
const STATEMENT_MARKER = `statement-marker-${randomUUID()}`;
/** A number sent in a patch that fails: numbers are stored as they are, so it is in the failing UPDATE. */
const STATEMENT_NUMBER = 7_349_123;

const PLAIN_PARAMS = {
  model: 'vertex_ai/gemini-pro',
  api_key: SECRETS.apiKey,
  aws_secret_access_key: SECRETS.awsSecret,
  vertex_credentials: { private_key: SECRETS.privateKey },
  api_base: `https://svc-user:${SECRETS.urlPassword}@proxy.example.com/v1`,
  extra_headers: { Authorization: `Bearer ${SECRETS.headerToken}` },
};

const ADD_MODEL = 'mutation ($input: AddModelInput!) { addModel(input: $input) { id } }';
const PATCH_MODEL = 'mutation ($id: ID!, $patch: PatchModelInput!) { patchModel(id: $id, patch: $patch) { id } }';

describe.each(testDatabaseKinds())('no log line holds a secret, a ciphertext or a statement value, whatever fails, on %s', (kind) => {
  let database: TestDatabase;
  let server: TestServer;
  let log: CapturedServerLog;
  const modelId = `statement-value-model-${randomUUID()}`;
  const otherModelId = `statement-value-other-${randomUUID()}`;
  /** Every stored ciphertext, read from the tables before the database goes away. */
  let ciphertexts: string[] = [];
  let embeddedDatabaseStopped = false;

  beforeAll(async () => {
    log = captureLog('trace');
    // Its own PGlite on the embedded side: the test stops it under the running server.
    database = await createTestDatabase(kind, { ownPglite: true });
    server = await startTestServer(database, kind === 'postgres' ? { requestTimeoutMs: REQUEST_TIMEOUT_MS } : {}, log);
    for (const [id, webhookToken] of [
      [modelId, SECRETS.webhookToken],
      [otherModelId, 'whk-some-other-webhook-0000'],
    ]) {
      const added = await graphql(ADD_MODEL, { input: { modelName: 'log-sweep', litellmParams: PLAIN_PARAMS, modelInfo: { id, webhook_token: webhookToken, description: STATEMENT_MARKER } } });
      expect(errorCodes(added)).toEqual([]);
    }
  });
  afterAll(async () => {
    await server?.stop();
    if (!embeddedDatabaseStopped) await database?.drop();
  });

  const graphql = (query: string, variables?: Record<string, unknown>, headers: Record<string, string> = { authorization: `Bearer ${TEST_MASTER_KEY}` }) =>
    sendRaw(`${server.url}/graphql`, { body: JSON.stringify({ query, variables }), headers: { 'content-type': 'application/json', ...headers } });

  const errorLines = () => log.lines().filter((line) => line.level >= 50);
  const errorLineWithCode = (code: string) => errorLines().find((line) => line.err?.code === code);

  async function readCiphertexts(): Promise<void> {
    const models = await server.sql<{ litellm_params: Record<string, unknown> }>(`select litellm_params from "${TABLES.proxyModel}"`);
    const audit = await server.sql<{ before_value: Record<string, any> | null; updated_values: Record<string, any> | null }>(
      `select before_value, updated_values from "${TABLES.auditLog}" where table_name = ?`,
      [TABLES.proxyModel],
    );
    const params = [...models.map((row) => row.litellm_params), ...audit.flatMap((row) => [row.before_value?.litellm_params, row.updated_values?.litellm_params])];
    const found = new Set<string>();
    for (const stored of params) for (const value of Object.values(stored ?? {})) if (typeof value === 'string') found.add(value);
    ciphertexts = [...found];
  }

  it('a unique violation deep in a flush (its detail holds the plaintext webhook token) is logged by code and constraint', async () => {
    await server.sql(`create unique index "log_sweep_unique_webhook" on "${TABLES.proxyModel}" ((model_info->>'webhook_token'))`);
    const response = await graphql(PATCH_MODEL, { id: otherModelId, patch: { modelInfo: { webhook_token: SECRETS.webhookToken, note: STATEMENT_MARKER } } });
    expect(errorCodes(response)).toEqual(['INTERNAL_SERVER_ERROR']);
    expect(errorLineWithCode('23505')).toMatchObject({ err: { table: TABLES.proxyModel, constraint: 'log_sweep_unique_webhook' } });
  });

  it('a check violation (its detail lists the failing row, ciphertexts and all) is logged by code, table and constraint', async () => {
    await server.sql(`alter table "${TABLES.proxyModel}" add constraint "log_sweep_no_forbidden" check (not (litellm_params ? 'forbidden_param'))`);
    const response = await graphql(PATCH_MODEL, { id: modelId, patch: { litellmParams: { forbidden_param: SECRETS.apiKey, rpm: STATEMENT_NUMBER } } });
    expect(errorCodes(response)).toEqual(['INTERNAL_SERVER_ERROR']);
    expect(errorLineWithCode('23514')).toMatchObject({ err: { table: TABLES.proxyModel, constraint: 'log_sweep_no_forbidden' } });
  });

  it('bad input carrying secrets is refused and logged without them', async () => {
    const responses: RawResponse[] = [
      await graphql(ADD_MODEL, { input: { modelName: { api_key: SECRETS.apiKey }, litellmParams: { model: 'x' } } }),
      await graphql('query ($since: DateTime) { auditLogs(filter: { since: $since }) { totalCount } }', { since: SECRETS.apiKey }),
      await graphql('query ($action: AuditAction) { auditLogs(filter: { action: $action }) { totalCount } }', { action: SECRETS.apiKey }),
      await graphql(`{ auditLogs(filter: { since: "${SECRETS.apiKey}" }) { totalCount } }`),
      await graphql('{ me { userId } }', undefined, { authorization: `Bearer ${SECRETS.badKey}` }),
      await sendRaw(`${server.url}/graphql`, { body: `{"query": "{ me { userId } }", "variables": {"k": "${SECRETS.apiKey}"`, headers: { 'content-type': 'application/json' } }),
    ];
    for (const response of responses) {
      expect(response.text).not.toContain(SECRETS.apiKey);
      expect(response.text).not.toContain(SECRETS.badKey);
    }
    expect(log.lines().filter((line) => line.outcome === 'rejected' || line.errorCodes?.includes('BAD_USER_INPUT')).length).toBeGreaterThanOrEqual(4);
  });

  if (kind === 'postgres') {
    describe('while another session holds a lock on the model table', () => {
      let locker: Client;

      beforeEach(async () => {
        locker = new Client({ connectionString: database.url });
        await locker.connect();
        await locker.query('BEGIN');
        await locker.query(`LOCK TABLE "${TABLES.proxyModel}" IN SHARE MODE`);
      });
      afterEach(async () => {
        await locker.query('ROLLBACK').catch(() => undefined);
        await locker.end();
      });

      it('a patch whose request timed out, and whose UPDATE the statement timeout then cancelled, is logged by code and table', async () => {
        const response = await graphql(PATCH_MODEL, { id: modelId, patch: { litellmParams: { rpm: STATEMENT_NUMBER } } });
        expect(errorCodes(response)).toEqual(['REQUEST_TIMEOUT']);
        await waitUntil('the cancelled UPDATE is logged', async () => errorLineWithCode('57014') !== undefined, 10_000);
        expect(errorLineWithCode('57014')).toMatchObject({ err: { message: 'canceling statement due to statement timeout' } });
      });

      it('a patch whose connection the database terminated mid-statement is logged as the database being unavailable', async () => {
        const patched = graphql(PATCH_MODEL, { id: modelId, patch: { litellmParams: { rpm: STATEMENT_NUMBER }, modelInfo: { note: STATEMENT_MARKER } } });
        await waitUntil('the UPDATE waits on the lock', async () => {
          const [{ waiting }] = await database.sql<{ waiting: number }>(
            `select count(*)::int as waiting from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query like 'update%'`,
          );
          return waiting > 0;
        });
        await database.sql('select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid not in (pg_backend_pid(), $1)', [
          (locker as unknown as { processID: number }).processID,
        ]);
        expect(errorCodes(await patched)).toEqual(['SERVICE_UNAVAILABLE']);
        expect(errorLineWithCode('57P01')).toMatchObject({ err: { message: 'terminating connection due to administrator command' } });
        await waitUntil('ready again', async () => (await fetch(`${server.url}/readyz`)).status === 200);
      });
    });
  }

  it('a database lost under a request is logged without the statement that met it', async () => {
    await readCiphertexts();
    const admin = kind === 'postgres' ? new Client({ connectionString: process.env.TEST_DATABASE_URL }) : undefined;
    const databaseName = new URL(database.url).pathname.slice(1);
    if (admin) {
      await admin.connect();
      await admin.query(`alter database "${databaseName}" with allow_connections false`);
      await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1', [databaseName]);
    } else {
      await database.drop();
      embeddedDatabaseStopped = true;
    }
    try {
      const response = await graphql(PATCH_MODEL, { id: modelId, patch: { modelInfo: { note: STATEMENT_MARKER } } });
      expect(errorCodes(response)).toEqual(['SERVICE_UNAVAILABLE']);
      expect(errorLines().some((line) => line.msg === 'database unavailable while answering a request')).toBe(true);
    } finally {
      await admin?.query(`alter database "${databaseName}" with allow_connections true`);
      await admin?.end();
    }
  });

  it('leaves no plaintext secret, stored ciphertext, statement value or statement text in any line logged above', () => {
    expect(ciphertexts.length).toBeGreaterThanOrEqual(6);
    for (const ciphertext of ciphertexts) expect(Object.values(SECRETS)).not.toContain(ciphertext);
    const text = log.text();
    if (process.env.PRINT_SWEPT_LOG) process.stdout.write(text);
    expect(errorLines().length).toBeGreaterThanOrEqual(kind === 'postgres' ? 5 : 3);
    const forbidden: [string, string][] = [
      ...Object.entries(SECRETS),
      ['master key', TEST_MASTER_KEY],
      ...ciphertexts.map((ciphertext, index): [string, string] => [`stored ciphertext ${index}`, ciphertext]),
      ['statement marker', STATEMENT_MARKER],
      ['statement number', String(STATEMENT_NUMBER)],
      ['model id', modelId],
      ['other model id', otherModelId],
    ];
    for (const [what, value] of forbidden) expect({ what, logged: text.includes(value) }).toEqual({ what, logged: false });
    expect(text).not.toMatch(/\binsert into\b|\bupdate "|\bdelete from\b|\bselect\b[^"]{0,200}\bfrom\b|Failing row|Key \(/i);
  });
});
