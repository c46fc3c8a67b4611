// Operations run compiled by graphql-jit (src/server/jitExecutor.ts). What graphql-js guaranteed still holds: the
// same answer every time a document is sent (the first run compiles it, later ones reuse it), mutations one after
// the other, errors with their code, path and locations, variable errors as BAD_USER_INPUT with HTTP 400, and the
// choice among a document's operations by operationName.
import { addModel, keyWithRole } from '../../support/fixtures';
import { testDatabaseKinds } from '../../support/testDatabases';
import { errorCodes, serverForEachFile, TEST_MASTER_KEY } from '../../support/testServer';

describe.each(testDatabaseKinds())('compiled execution on %s', (kind) => {
  const handle = serverForEachFile(kind);
  let modelId: string;

  beforeAll(async () => {
    modelId = (await addModel(handle.server, { modelName: 'compiled-model' })).id as string;
  });

  async function post(body: Record<string, unknown>): Promise<{ status: number; json: Record<string, any> }> {
    const response = await fetch(`${handle.server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_MASTER_KEY}` },
      body: JSON.stringify(body),
    });
    return { status: response.status, json: (await response.json()) as Record<string, any> };
  }

  it('answers a document the same the first time and every time after', async () => {
    const query = `query ($id: ID!) { model(id: $id) { id modelName source litellmParams team { id } auditLogs(first: 2) { action } } }`;
    const answers = [];
    for (let attempt = 0; attempt < 3; attempt += 1) answers.push(await handle.server.graphql(query, { id: modelId }));
    expect(answers[0].errors).toBeUndefined();
    expect(answers[0].data?.model).toMatchObject({ id: modelId, modelName: 'compiled-model', source: 'DB', auditLogs: [{ action: 'CREATED' }] });
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
  });

  it('runs the mutations of one operation one after the other, in the order written', async () => {
    const response = await handle.server.graphql<Record<string, { publicModelName: string }>>(
      `mutation ($id: ID!) {
        first: patchModel(id: $id, patch: { modelName: "renamed-once" }) { publicModelName }
        second: patchModel(id: $id, patch: { modelName: "renamed-twice" }) { publicModelName }
      }`,
      { id: modelId },
    );
    expect(response.errors).toBeUndefined();
    expect(response.data).toEqual({ first: { publicModelName: 'renamed-once' }, second: { publicModelName: 'renamed-twice' } });
    const history = await handle.server.graphql(`query ($id: ID!) { model(id: $id) { auditLogs(first: 3) { action updatedValues } } }`, { id: modelId });
    expect(history.data?.model.auditLogs.map((entry: { updatedValues: { model_name: string } }) => entry.updatedValues.model_name)).toEqual([
      'renamed-twice',
      'renamed-once',
      'compiled-model',
    ]);
  });

  it('reads variables inside literals as graphql-js does: a value inside a JSON literal is kept, an omitted one leaves its key out', async () => {
    const query = `mutation ($id: ID!, $rpm: Int, $name: String) {
      patchModel(id: $id, patch: { modelName: $name, litellmParams: { rpm: $rpm } }) { modelName litellmParams }
    }`;
    for (const rpm of [7, 8]) {
      const response = await handle.server.graphql(query, { id: modelId, rpm });
      expect(response.errors).toBeUndefined();
      expect(response.data?.patchModel.modelName).toBe('renamed-twice');
      expect(response.data?.patchModel.litellmParams.rpm).toBe(rpm);
    }
  });

  it("answers a resolver's error with its code, the field's path and the location in the document, beside the data that resolved", async () => {
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const response = await handle.server.graphql(`query ($id: ID!) { me { role } model(id: $id) { id auditLogs(first: 1000) { id } } }`, { id: modelId });
      expect(response.data).toEqual({ me: { role: 'PROXY_ADMIN' }, model: { id: modelId, auditLogs: null } });
      expect(response.errors).toEqual([
        { message: expect.stringContaining('first must be between 0 and 100'), locations: [{ line: 1, column: 52 }], path: ['model', 'auditLogs'], extensions: { code: 'BAD_USER_INPUT' } },
      ]);
    }
  });

  it('refuses variables that do not fit their types with HTTP 400 and BAD_USER_INPUT, without running anything or echoing the value', async () => {
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const { status, json } = await post({ query: 'query ($first: Int) { models(first: $first) { edges { cursor } } }', variables: { first: 'sk-secret-value' } });
      expect(status).toBe(400);
      expect(json.data).toBeUndefined();
      expect(errorCodes({ json: json as never })).toEqual(['BAD_USER_INPUT']);
      expect(JSON.stringify(json)).not.toContain('sk-secret-value');
    }
  });

  it('refuses what graphql-js refuses in a variable, where graphql-jit alone would accept it: a list for an input object', async () => {
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const { status, json } = await post({
        query: 'mutation ($id: ID!, $patch: PatchModelInput!) { patchModel(id: $id, patch: $patch) { id } }',
        variables: { id: modelId, patch: [] },
      });
      expect(status).toBe(400);
      expect(errorCodes({ json: json as never })).toEqual(['BAD_USER_INPUT']);
    }
  });

  it('runs the operation operationName picks from a document of several, and refuses a name the document does not have', async () => {
    const document = 'query Mine { me { role } } query Count { models { totalCount } }';
    expect((await post({ query: document, operationName: 'Mine' })).json).toEqual({ data: { me: { role: 'PROXY_ADMIN' } } });
    expect((await post({ query: document, operationName: 'Count' })).json.data.models.totalCount).toBeGreaterThan(0);
    const unknown = await post({ query: document, operationName: 'Neither' });
    expect(unknown.status).toBe(400);
    expect(errorCodes({ json: unknown.json as never })).toEqual(['OPERATION_RESOLUTION_FAILURE']);
  });

  it('checks @auth on every run of a compiled document, for each caller', async () => {
    const { key: userKey } = await keyWithRole(handle.server, 'INTERNAL_USER');
    const query = '{ me { role } credentials { name } }';
    for (let attempt = 0; attempt < 2; attempt += 1) {
      expect((await handle.server.graphql(query)).errors).toBeUndefined();
      const refused = await handle.server.graphql(query, undefined, userKey);
      // credentials is non-null: its error nulls the whole answer, as graphql-js does.
      expect(refused.data).toBeNull();
      expect(errorCodes(refused)).toEqual(['FORBIDDEN']);
      expect(errorCodes(await handle.server.graphql(query, undefined, null))).toEqual(['UNAUTHENTICATED']);
    }
  });
});
