// Secrets are write-only: whatever is written through add, update and patch, no response to any query or
// mutation that returns a model (or a model's audit values) holds it in plaintext; the masked form
// (first 3 + last 4) is what comes back.
import { randomUUID } from 'node:crypto';
import { maskSecret } from '../../../src/crypto/maskSecrets';
import { MODEL_FIELDS, teamWithKeys } from '../../support/fixtures';
import { testDatabaseKinds } from '../../support/testDatabases';
import { ADD_MODEL, DELETE_MODEL, MODEL, MODELS, PATCH_MODEL, rawGraphql, UPDATE_MODEL } from '../../support/modelApi';
import { serverForEachFile } from '../../support/testServer';

const ADDED = {
  api_key: 'sk-added-apikey-AAAA-1111',
  aws_secret_access_key: 'aws-added-secret-BBBB-2222',
  vertex_private_key: '-----BEGIN PRIVATE KEY----- added-CCCC-3333',
  my_password: 'pw-added-password-DDDD-4444',
};
const UPDATED = { api_key: 'sk-updated-apikey-EEEE-5555', aws_session_token: 'aws-updated-session-FFFF-6666' };
const PATCHED = { my_password: 'pw-patched-password-GGGG-7777', aws_secret_access_key: 'aws-patched-secret-HHHH-8888' };

/** Every plaintext secret the test writes (the vertex private key sits inside an object). */
const ALL_SECRETS = [...Object.values(ADDED), ...Object.values(UPDATED), ...Object.values(PATCHED)];

/** A masked value as it appears inside a JSON response body. */
const inResponseText = (value: string) => JSON.stringify(value).slice(1, -1);

const vertexCredentials = (privateKey: string) => ({ private_key: privateKey });

describe.each(testDatabaseKinds())('secrets never leave through the API on %s', (kind) => {
  const handle = serverForEachFile(kind);

  it('no response to any model query or mutation holds a plaintext secret written through add, update or patch', async () => {
    const server = handle.server;
    const { teamId } = await teamWithKeys(server);
    const responses: Record<string, string> = {};
    const modelIds: string[] = [];

    for (const [label, modelInfo] of [['addModel', {}], ['addModel (team model)', { team_id: teamId }]] as const) {
      const litellmParams = {
        model: 'vertex_ai/gemini-pro',
        api_key: ADDED.api_key,
        aws_secret_access_key: ADDED.aws_secret_access_key,
        vertex_credentials: vertexCredentials(ADDED.vertex_private_key),
        my_password: ADDED.my_password,
      };
      responses[label] = await rawGraphql(server, ADD_MODEL, { input: { modelName: `secret-holder-${randomUUID()}`, litellmParams, modelInfo } });
      modelIds.push(JSON.parse(responses[label]).data.addModel.id);
    }
    const [plainId, teamModelId] = modelIds;

    responses.updateModel = await rawGraphql(server, UPDATE_MODEL, { input: { id: plainId, litellmParams: UPDATED } });
    responses.patchModel = await rawGraphql(server, PATCH_MODEL, { id: plainId, patch: { litellmParams: PATCHED } });
    responses['updateModel (team model)'] = await rawGraphql(server, UPDATE_MODEL, { input: { id: teamModelId, litellmParams: UPDATED } });
    responses['patchModel (team model)'] = await rawGraphql(server, PATCH_MODEL, { id: teamModelId, patch: { litellmParams: PATCHED } });
    responses.model = await rawGraphql(server, MODEL, { id: plainId });
    responses.models = await rawGraphql(server, MODELS, { first: 100 });
    responses['Model.team'] = await rawGraphql(server, `query ($id: ID!) { model(id: $id) { ${MODEL_FIELDS} team { id alias models members { userId role } } } }`, {
      id: teamModelId,
    });
    responses['Model.auditLogs'] = await rawGraphql(server, 'query ($id: ID!) { model(id: $id) { auditLogs(first: 50) { beforeValue updatedValues } } }', {
      id: plainId,
    });
    responses['addModel refused as a duplicate'] = await rawGraphql(server, ADD_MODEL, {
      input: { modelName: 'again', litellmParams: { model: 'x', api_key: ADDED.api_key }, modelInfo: { id: plainId } },
    });
    responses['addModel refused for bad input'] = await rawGraphql(server, ADD_MODEL, {
      input: { modelName: 'no-model', litellmParams: { api_key: ADDED.api_key, my_password: ADDED.my_password } },
    });
    responses['addModel refused for a secret sent where a string belongs'] = await rawGraphql(server, ADD_MODEL, {
      input: { modelName: { api_key: ADDED.api_key }, litellmParams: { model: 'x' } },
    });
    responses['deleteModel (team model)'] = await rawGraphql(server, DELETE_MODEL, { id: teamModelId });
    responses.deleteModel = await rawGraphql(server, DELETE_MODEL, { id: plainId });
    responses.auditLogs = await rawGraphql(server, '{ auditLogs(first: 100) { edges { node { beforeValue updatedValues model { litellmParams } } } } }');
    expect(JSON.parse(responses.auditLogs).data.auditLogs.edges.length).toBeGreaterThanOrEqual(8);

    for (const [operation, body] of Object.entries(responses)) {
      for (const secret of ALL_SECRETS) {
        expect({ operation, leaked: body.includes(secret) ? secret : null }).toEqual({ operation, leaked: null });
      }
    }

    // After add, update and patch, each secret-bearing key comes back masked as first 3 + last 4.
    const expectedMasks = [
      maskSecret(UPDATED.api_key),
      maskSecret(UPDATED.aws_session_token),
      maskSecret(PATCHED.aws_secret_access_key),
      maskSecret(PATCHED.my_password),
      maskSecret(JSON.stringify(vertexCredentials(ADDED.vertex_private_key))),
    ];
    for (const operation of ['patchModel', 'model', 'models', 'deleteModel', 'Model.team', 'deleteModel (team model)', 'Model.auditLogs', 'auditLogs']) {
      for (const mask of expectedMasks) {
        expect({ operation, mask, present: responses[operation].includes(inResponseText(mask)) }).toEqual({ operation, mask, present: true });
      }
    }
    expect(responses.addModel).toContain(inResponseText(maskSecret(ADDED.api_key)));
    expect(responses.updateModel).toContain(inResponseText(maskSecret(UPDATED.api_key)));
    expect(maskSecret(UPDATED.api_key)).toBe('sk-****5555');
  });

  it('masks secrets written into modelInfo too', async () => {
    const modelInfo = { description: 'has a webhook', webhook_token: 'whk-token-IIII-9999' };
    const body = await rawGraphql(handle.server, ADD_MODEL, { input: { modelName: 'info-secret', litellmParams: { model: 'openai/gpt-4o' }, modelInfo } });
    expect(body).not.toContain(modelInfo.webhook_token);
    expect(body).toContain(maskSecret(modelInfo.webhook_token));
  });
});
