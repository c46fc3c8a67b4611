// A query Apollo has accepted is answered again without Apollo's pipeline (src/server/directQueries.ts). The first
// request of a query text always goes through Apollo, so sending the same request twice compares the two answers:
// status, content type, body byte for byte and the request log line must be alike, whichever way the second went.
import { TABLES } from '../../../src/database/tables';
import { REQUEST_LOG_MESSAGE } from '../../../src/server/requestLog';
import { addModel, teamWithKeys } from '../../support/fixtures';
import { testDatabaseKinds } from '../../support/testDatabases';
import { captureLog, serverForEachFile, TEST_MASTER_KEY } from '../../support/testServer';

const JSON_TYPE = { 'content-type': 'application/json' };
const AS_ADMIN = { ...JSON_TYPE, authorization: `Bearer ${TEST_MASTER_KEY}` };
const MODEL_FIELDS = 'id modelName publicModelName teamId blocked litellmParams modelInfo createdAt createdBy updatedAt updatedBy';

interface Answer {
  status: number;
  contentType: string | null;
  body: string;
  /** The request's log line without what differs between any two requests. */
  logLine: Record<string, unknown>;
}

describe.each(testDatabaseKinds())('queries answered without Apollo’s pipeline, on %s', (kind) => {
  const log = captureLog('info');
  const handle = serverForEachFile(kind, undefined, { log });
  let modelId: string;
  let memberKey: string;

  beforeAll(async () => {
    ({ id: modelId } = await addModel(handle.server, { litellmParams: { model: 'openai/gpt-4o', api_key: 'sk-direct-0123456789abcdef' } }));
    ({ memberKey } = await teamWithKeys(handle.server));
  });

  async function send(body: string, headers: Record<string, string>): Promise<Answer> {
    const response = await fetch(`${handle.server.url}/graphql`, { method: 'POST', headers, body });
    const text = await response.text();
    const requestId = response.headers.get('x-request-id');
    const lines = log.lines().filter((line) => line.msg === REQUEST_LOG_MESSAGE && line.requestId === requestId);
    expect(lines).toHaveLength(1);
    const { time: _time, durationMs: _duration, requestId: _id, ...logLine } = lines[0];
    return { status: response.status, contentType: response.headers.get('content-type'), body: text, logLine };
  }

  const asMember = () => ({ ...JSON_TYPE, authorization: `Bearer ${memberKey}` });

  /** Sends the request twice; returns both answers and whether the second skipped Apollo. */
  async function twice(body: string, headersOrLater: Record<string, string> | (() => Record<string, string>)) {
    const headers = typeof headersOrLater === 'function' ? headersOrLater() : headersOrLater;
    const first = await send(body, headers);
    const before = handle.server.app.direct.answered;
    const second = await send(body, headers);
    return { first, second, direct: handle.server.app.direct.answered === before + 1 };
  }

  const query = (text: string, variables?: Record<string, unknown>, operationName?: string) => JSON.stringify({ query: text, variables, operationName });

  it.each([
    ['a model by id', () => query(`query Model($id: ID!) { model(id: $id) { ${MODEL_FIELDS} } }`, { id: modelId }), AS_ADMIN],
    ['a page of models with cursors and a count', () => query(`{ models(first: 2) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ${MODEL_FIELDS} } } } }`), AS_ADMIN],
    ['audit entries with their model', () => query(`query ($id: ID!) { auditLogs(filter: { objectId: $id }, first: 5) { edges { node { id action beforeValue updatedValues model { id } } } } }`, { id: modelId }), AS_ADMIN],
    ['one named operation of several', () => query('query A { me { role } } query B { me { userId } }', undefined, 'B'), AS_ADMIN],
    ['a model a team member may see, without its litellmParams', () => query('query ($id: ID!) { model(id: $id) { id modelName } }', { id: modelId }), asMember],
    ['an Accept header asking for application/graphql-response+json', () => query('{ me { role } }'), { ...AS_ADMIN, accept: 'application/graphql-response+json, application/json;q=0.9' }],
    ['a content type with a charset', () => query('{ me { userId } }'), { ...AS_ADMIN, 'content-type': 'application/json; charset=utf-8' }],
  ])('%s: the second answer skips Apollo and is the same, log line included', async (_case, body, headers) => {
    const { first, second, direct } = await twice(body(), headers);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.body).errors).toBeUndefined();
    expect(second).toEqual(first);
    expect(direct).toBe(true);
  });

  it('answers an Accept header Apollo has not answered yet through Apollo first, then directly with the type Apollo chose', async () => {
    const body = query('{ me { role userId } }');
    const headers = { ...AS_ADMIN, accept: 'application/graphql-response+json' };
    const { first, second, direct } = await twice(body, headers);
    expect(first.contentType).toBe('application/graphql-response+json; charset=utf-8');
    expect(second).toEqual(first);
    expect(direct).toBe(true);
  });

  it.each([
    ['an answer with a field error (litellmParams of a model outside the caller’s team)', () => query('query ($id: ID!) { model(id: $id) { id litellmParams } }', { id: modelId }), asMember],
    ['an unknown key', () => query('{ models(first: 1) { totalCount } }'), { ...JSON_TYPE, authorization: 'Bearer sk-not-a-key-0000000000' }],
    ['no key', () => query('{ models(first: 1) { totalCount } }'), JSON_TYPE],
    ['a variable holding a NUL character', () => query('query ($id: ID!) { model(id: $id) { id } }', { id: 'a\u0000b' }), AS_ADMIN],
    ['a variable that does not coerce', () => query('query ($first: Int) { models(first: $first) { totalCount } }', { first: 'ten' }), AS_ADMIN],
    ['a body with extensions', () => JSON.stringify({ query: '{ me { role } }', extensions: {} }), AS_ADMIN],
    ['variables sent as a JSON string', () => JSON.stringify({ query: 'query ($id: ID!) { model(id: $id) { id } }', variables: JSON.stringify({ id: 'x' }) }), AS_ADMIN],
    ['a text/plain body (refused by the CSRF check)', () => query('{ me { role } }'), { 'content-type': 'text/plain', authorization: `Bearer ${TEST_MASTER_KEY}` }],
    ['an operation name the document does not have', () => query('query A { me { role } }', undefined, 'Missing'), AS_ADMIN],
    ['a query over the depth limit', () => query('{ auditLogs(first: 1) { edges { node { model { team { models { team { models { team { id } } } } } } } } } }'), AS_ADMIN],
  ])('%s: always answered by Apollo, the same each time', async (_case, body, headers) => {
    const { first, second, direct } = await twice(body(), headers);
    expect(direct).toBe(false);
    expect(second).toEqual(first);
  });

  it('an Accept header no answer type meets is refused with 406 before anything runs: a mutation changes nothing', async () => {
    const patch = query('mutation ($id: ID!) { patchModel(id: $id, patch: { modelInfo: { refused_accept: 1 } }) { id } }', { id: modelId });
    const { first, second, direct } = await twice(patch, { ...AS_ADMIN, accept: 'text/html' });
    expect(direct).toBe(false);
    expect(second).toEqual(first);
    expect(first.status).toBe(406);
    expect(JSON.parse(first.body)).toEqual({ errors: [{ message: expect.stringContaining("does not accept application/json"), extensions: { code: 'BAD_REQUEST' } }] });
    expect(first.logLine).toMatchObject({ outcome: 'rejected', errorCodes: ['BAD_REQUEST'] });
    const [row] = await handle.server.sql<{ model_info: Record<string, unknown> }>(`SELECT model_info FROM "${TABLES.proxyModel}" WHERE model_id = ?`, [modelId]);
    expect(row.model_info).not.toHaveProperty('refused_accept');
  });

  it('a mutation is always answered by Apollo', async () => {
    const { first, second, direct } = await twice(query('mutation ($id: ID!) { patchModel(id: $id, patch: { modelInfo: { direct_test: 1 } }) { id } }', { id: modelId }), AS_ADMIN);
    expect(direct).toBe(false);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(JSON.parse(second.body)).toEqual({ data: { patchModel: { id: modelId } } });
  });

  it('a query Apollo accepted once is still answered by Apollo when a later request has bad variables, then directly again', async () => {
    const text = 'query Again($id: ID!) { model(id: $id) { id modelName } }';
    const { direct } = await twice(query(text, { id: modelId }), AS_ADMIN);
    expect(direct).toBe(true);
    const before = handle.server.app.direct.answered;
    const refused = await send(query(text, { id: 'bad\u0000id' }), AS_ADMIN);
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.body).errors[0].extensions.code).toBe('BAD_USER_INPUT');
    const missing = await send(query(text, {}), AS_ADMIN);
    expect(JSON.parse(missing.body).errors[0].message).toContain('$id');
    expect(handle.server.app.direct.answered).toBe(before);
    await send(query(text, { id: modelId }), AS_ADMIN);
    expect(handle.server.app.direct.answered).toBe(before + 1);
  });
});
