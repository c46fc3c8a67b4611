// What one request may ask for: every legitimate dashboard query passes, anything over a limit is refused
// whole before it runs, with a 4xx and a message that names the limit, and nothing is written.
import { MAX_INPUT_DEPTH } from '../../../src/server/inputGuard';
import { MAX_QUERY_ALIASES, MAX_QUERY_DEPTH, MAX_QUERY_DIRECTIVES, MAX_QUERY_TOKENS } from '../../../src/server/queryLimits';
import { MAX_REQUEST_BODY_BYTES } from '../../../src/server/readRequestBody';
import { addModel, MODEL_FIELDS } from '../../support/fixtures';
import { leakIn, MASTER_KEY_HEADERS, sendRaw, type RawResponse } from '../../support/hostileHttp';
import { rowCounts } from '../../support/storedRows';
import { errorCodes, serverForEachFile, TEST_MASTER_KEY } from '../../support/testServer';

const ADD_MODEL = 'mutation ($input: AddModelInput!) { addModel(input: $input) { id } }';

describe('query limits and request hardening', () => {
  const handle = serverForEachFile('pglite');

  beforeAll(async () => {
    const model = await addModel(handle.server);
    await handle.server.graphql('mutation ($id: ID!) { patchModel(id: $id, patch: { litellmParams: { rpm: 10 } }) { id } }', { id: model.id });
  });

  const post = (body: unknown, headers: Record<string, string> = MASTER_KEY_HEADERS) =>
    sendRaw(`${handle.server.url}/graphql`, { body: typeof body === 'string' ? body : JSON.stringify(body), headers });

  function expectRefused(response: RawResponse, status: number, code: string, message?: RegExp): void {
    expect({ status: response.status, codes: errorCodes(response) }).toEqual({ status, codes: expect.arrayContaining([code]) });
    if (message) expect(response.json?.errors?.[0].message).toMatch(message);
    expect(leakIn(response.text)).toBeNull();
  }

  describe('legitimate dashboard queries pass', () => {
    it('a page of 100 models with every field, their team and their recent history', async () => {
      const response = await post({
        query: `{ models(first: 100) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node {
          ${MODEL_FIELDS} team { id alias models blocked members { userId userEmail role } } auditLogs(first: 5) { id action changedBy updatedAt }
        } } } }`,
      });
      expect(response.json?.errors).toBeUndefined();
      expect(response.status).toBe(200);
    });

    it('the audit trail with each entry’s model, its team and its own history (the deepest query in the tests)', async () => {
      const response = await post({
        query: `{ auditLogs(first: 100) { totalCount edges { cursor node {
          id action tableName objectId changedBy changedByApiKey updatedAt beforeValue updatedValues
          model { ${MODEL_FIELDS} team { id members { userId role } } auditLogs { action updatedAt model { modelName } } }
        } } } }`,
      });
      expect(response.json?.errors).toBeUndefined();
      expect(response.json?.data?.auditLogs).toMatchObject({ totalCount: 2 });
    });

    it('a handful of models side by side through aliases and fragments', async () => {
      const aliases = Array.from({ length: 10 }, (_, i) => `m${i}: model(id: "absent-${i}") { ...Row }`).join(' ');
      const response = await post({ query: `query Side { ${aliases} } fragment Row on Model { id modelName litellmParams auditLogs { action } }` });
      expect(response.json?.errors).toBeUndefined();
    });
  });

  describe('operations over a limit are refused before they run', () => {
    it(`refuses nesting deeper than ${MAX_QUERY_DEPTH}`, async () => {
      // Each round trip through the schema's cycle adds two levels: auditLogs → model.
      const levels = Math.ceil((MAX_QUERY_DEPTH - 3) / 2) + 1;
      const query = `{ auditLogs { edges { node { ${'model { auditLogs { '.repeat(levels)}id${' } }'.repeat(levels)} } } } }`;
      const response = await post({ query });
      expectRefused(response, 400, 'GRAPHQL_VALIDATION_FAILED', new RegExp(`depth limit of ${MAX_QUERY_DEPTH}`));
    });

    it(`refuses more than ${MAX_QUERY_ALIASES} aliases`, async () => {
      const response = await post({ query: `{ ${Array.from({ length: MAX_QUERY_ALIASES + 1 }, (_, i) => `a${i}: me { userId }`).join(' ')} }` });
      expectRefused(response, 400, 'GRAPHQL_VALIDATION_FAILED', /Aliases limit/);
    });

    it('refuses a list of 100 nested in a list of 100 by its cost', async () => {
      const response = await post({ query: '{ auditLogs(first: 100) { edges { node { model { auditLogs(first: 100) { id beforeValue } } } } } }' });
      expectRefused(response, 400, 'GRAPHQL_VALIDATION_FAILED', /Cost limit/);
    });

    it(`refuses more than ${MAX_QUERY_DIRECTIVES} directives`, async () => {
      const fields = Array.from({ length: MAX_QUERY_DIRECTIVES + 1 }, (_, i) => `f${i}: me @include(if: true) { userId }`).join(' ');
      expectRefused(await post({ query: `{ ${fields} }` }), 400, 'GRAPHQL_VALIDATION_FAILED', /Directives limit/);
    });

    it(`refuses a document of more than ${MAX_QUERY_TOKENS} tokens while parsing it`, async () => {
      expectRefused(await post({ query: `{ me { ${'userId '.repeat(MAX_QUERY_TOKENS)}} }` }), 400, 'GRAPHQL_PARSE_FAILED', /tokens/);
    });

    it('refuses fragments that spread each other in a circle', async () => {
      const response = await post({ query: '{ me { ...A } } fragment A on Principal { userId ...B } fragment B on Principal { role ...A }' });
      expectRefused(response, 400, 'GRAPHQL_VALIDATION_FAILED', /within itself/);
    });

    it('refuses a batch of operations (a JSON array body)', async () => {
      expectRefused(await post([{ query: '{ me { userId } }' }, { query: '{ me { role } }' }]), 400, 'BAD_REQUEST', /batching/i);
    });

    it('refuses a body over the size cap with 413 before reading it', async () => {
      const response = await post({ query: '{ me { userId } }', variables: { padding: 'x'.repeat(MAX_REQUEST_BODY_BYTES) } });
      expectRefused(response, 413, 'BAD_REQUEST', /too large/);
    });

    it('refuses subscriptions over HTTP: they are served over WebSocket', async () => {
      expectRefused(await post({ query: 'subscription { modelChanged { modelId } }' }), 400, 'BAD_REQUEST', /served over WebSocket/);
    });

    it('refuses automatic persisted queries: no per-process query cache', async () => {
      const response = await post({ query: '{ me { userId } }', extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } });
      // Apollo answers 200 here, as the persisted-query protocol expects.
      expectRefused(response, 200, 'PERSISTED_QUERY_NOT_SUPPORTED');
    });

    it('keeps Apollo’s CSRF prevention: a GET without a preflight header and a text/plain POST are refused', async () => {
      const get = await sendRaw(`${handle.server.url}/graphql?query=${encodeURIComponent('{ me { userId } }')}`, { method: 'GET', headers: { authorization: `Bearer ${TEST_MASTER_KEY}` } });
      expectRefused(get, 400, 'BAD_REQUEST', /CSRF/);
      const plain = await post(JSON.stringify({ query: '{ me { userId } }' }), { authorization: `Bearer ${TEST_MASTER_KEY}`, 'content-type': 'text/plain' });
      expectRefused(plain, 400, 'BAD_REQUEST', /CSRF/);
    });
  });

  describe('input no resolver could store is refused whole, and writes nothing', () => {
    const deepValue = (levels: number): unknown => (levels === 0 ? 'leaf' : { nested: deepValue(levels - 1) });

    it.each<[string, Record<string, unknown>, RegExp]>([
      ['a NUL character in a variable', { modelName: 'a\u0000b', litellmParams: { model: 'x/y' } }, /Variable \$input\.modelName contains a NUL character/],
      ['a NUL character in a JSON key', { modelName: 'm', litellmParams: { model: 'x/y', 'k\u0000': 1 } }, /A key in variable \$input\.litellmParams contains a NUL/],
      ['an unpaired surrogate', { modelName: 'm', litellmParams: { model: 'x/y', header: 'a\uD800' } }, /unpaired UTF-16 surrogate/],
      [`JSON nested more than ${MAX_INPUT_DEPTH} levels`, { modelName: 'm', litellmParams: { model: 'x/y', deep: deepValue(MAX_INPUT_DEPTH) } }, /nested more than/],
    ])('%s', async (_case, input, message) => {
      const before = await rowCounts(handle.server);
      const response = await post({ query: ADD_MODEL, variables: { input } });
      expectRefused(response, 400, 'BAD_USER_INPUT', message);
      expect(response.json?.data).toBeNull();
      expect(await rowCounts(handle.server)).toEqual(before);
    });

    it('a NUL character in a string literal of the query', async () => {
      const response = await post({ query: '{ auditLog(id: "a\\u0000b") { id } }' });
      expectRefused(response, 400, 'BAD_USER_INPUT', /A string in the query contains a NUL/);
    });

    it('accepts JSON nested as deep as the limit allows', async () => {
      const response = await post({ query: ADD_MODEL, variables: { input: { modelName: 'deep-but-fine', litellmParams: { model: 'x/y', deep: deepValue(MAX_INPUT_DEPTH - 4) } } } });
      expect(response.json?.errors).toBeUndefined();
    });
  });

  describe('suggestions never spell out the schema', () => {
    it.each<[string, unknown, string]>([
      ['an unknown field', { query: '{ mee { userId } }' }, '"me"'],
      ['an unknown argument', { query: '{ models(firts: 1) { totalCount } }' }, '"first"'],
      ['an enum value in the query', { query: '{ auditLogs(filter: { action: CREATD }) { totalCount } }' }, '"CREATED"'],
      ['an enum value in a variable', { query: 'query ($a: AuditAction) { auditLogs(filter: { action: $a }) { totalCount } }', variables: { a: 'CREATD' } }, '"CREATED"'],
      ['an input field in a variable', { query: ADD_MODEL, variables: { input: { modelName: 'x', litellmParams: {}, modelInf: {} } } }, '"modelInfo"'],
    ])('for %s', async (_case, body, suggestion) => {
      const response = await post(body);
      expect(response.status).toBe(400);
      expect(response.text).not.toMatch(/Did you mean/);
      expect(response.json?.errors?.map((error) => error.message).join(' ')).not.toContain(suggestion);
    });
  });
});

describe('in production (NODE_ENV=production)', () => {
  const handle = serverForEachFile('pglite', () => ({ production: true, graphiql: false }));

  it('refuses introspection', async () => {
    const response = await sendRaw(`${handle.server.url}/graphql`, { body: JSON.stringify({ query: '{ __schema { queryType { name } } }' }) });
    expect(response.status).toBe(400);
    expect(errorCodes(response)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(response.json?.errors?.[0].message).toMatch(/[Ii]ntrospection/);
  });

  it('serves no GraphiQL page to a browser', async () => {
    const response = await fetch(`${handle.server.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(response.headers.get('content-type') ?? '').not.toContain('text/html');
  });
});

describe('outside production', () => {
  const handle = serverForEachFile('pglite');

  it('answers introspection and serves GraphiQL, for local use', async () => {
    const response = await handle.server.graphql('{ __schema { queryType { name } } }');
    expect(response.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    const page = await fetch(`${handle.server.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(page.headers.get('content-type')).toContain('text/html');
  });
});
