// What counts as a secret goes by meaning, not only by key name: credential headers (as a map or a
// [{name, value}] list), the userinfo of any URL, and a number or boolean under a secret-named key. A member
// of the model's team reads them masked through `model` and `models`, its team admin through the audit trail,
// and so does everyone for a config-file model whose `os.environ/` values are resolved plaintext. The
// documented non-secret parameters (max_tokens, *_cost_per_token) stay readable.
import { randomUUID } from 'node:crypto';
import { maskSecret } from '../../../src/crypto/maskSecrets';
import { createTeam, createUser, generateKey, MODEL_FIELDS } from '../../support/fixtures';
import { testDatabaseKinds } from '../../support/testDatabases';
import { ADD_MODEL, MODEL, MODELS, PATCH_MODEL, rawGraphql, writeConfigFile } from '../../support/modelApi';
import { serverForEachFile } from '../../support/testServer';

const SECRETS = {
  bearer: 'Bearer hdr-authorization-0123456789',
  apiKeyHeader: 'hdr-x-api-key-0123456789',
  cookie: 'session=hdr-cookie-0123456789',
  proxyAuthorization: 'Basic hdr-proxy-auth-0123456789',
  listedBearer: 'Bearer hdr-listed-0123456789',
  urlPassword: 'url-password-0123456789',
  nestedUrlPassword: 'nested-url-password-0123456789',
  modelInfoUrlPassword: 'info-url-password-0123456789',
  patchedBearer: 'Bearer hdr-patched-0123456789',
  configUrlPassword: 'config-url-password-0123456789',
  configBearer: 'Bearer config-header-0123456789',
};
/** Numbers under secret-named keys: shown as is today by a fragment-only key. */
const SECRET_NUMBER = 987_654_321;
const SECRET_PIN = 24_680_135;

const TEAM_ID = `team-meaning-${randomUUID().slice(0, 8)}`;
const CONFIG_MODEL_ID = `config-meaning-${randomUUID().slice(0, 8)}`;
const ENV = { MAG_MEANING_URL: `https://cfg-user:${SECRETS.configUrlPassword}@config.example.com/v1`, MAG_MEANING_AUTH: SECRETS.configBearer, MAG_MEANING_MAX_TOKENS: '2048' };

const LITELLM_PARAMS = {
  model: 'openai/gpt-4o',
  api_base: `https://svc-user:${SECRETS.urlPassword}@proxy.example.com/v1`,
  extra_headers: {
    Authorization: SECRETS.bearer,
    'x-api-key': SECRETS.apiKeyHeader,
    Cookie: SECRETS.cookie,
    'Proxy-Authorization': SECRETS.proxyAuthorization,
    'X-Trace': 'visible-trace-header',
  },
  headers: [
    { name: 'authorization', value: SECRETS.listedBearer },
    { name: 'X-Env', value: 'visible-env-header' },
  ],
  fallbacks: [{ api_base: `redis://:${SECRETS.nestedUrlPassword}@cache.example.com:6379` }],
  password: SECRET_NUMBER,
  use_secret_flag: true,
  max_tokens: 4096,
  input_cost_per_token: 0.0000025,
  cache_read_input_token_cost: 0.000001,
};
const MODEL_INFO = { team_id: TEAM_ID, docs_url: `https://docs-user:${SECRETS.modelInfoUrlPassword}@docs.example.com/x`, webhook_secret: SECRET_PIN };

const CONFIG_YAML = `model_list:
  - model_name: config-meaning
    litellm_params:
      model: openai/gpt-4o-mini
      api_base: os.environ/MAG_MEANING_URL
      extra_headers:
        Authorization: os.environ/MAG_MEANING_AUTH
        X-Trace: visible-config-header
      max_tokens: os.environ/MAG_MEANING_MAX_TOKENS
    model_info:
      id: ${CONFIG_MODEL_ID}
      team_id: ${TEAM_ID}
`;

function expectNoSecretIn(operation: string, body: string): void {
  for (const [name, secret] of [...Object.entries(SECRETS), ['number', String(SECRET_NUMBER)], ['pin', String(SECRET_PIN)]]) {
    expect({ operation, name, leaked: body.includes(secret) }).toEqual({ operation, name, leaked: false });
  }
}

describe.each(testDatabaseKinds())('secrets masked by meaning, for a member of the model\'s team, on %s', (kind) => {
  const configFile = writeConfigFile(CONFIG_YAML);
  const handle = serverForEachFile(kind, () => {
    Object.assign(process.env, ENV);
    return { configFile };
  });
  afterAll(() => {
    for (const name of Object.keys(ENV)) delete process.env[name];
  });

  let memberKey: string;
  let adminKey: string;
  let modelId: string;

  beforeAll(async () => {
    const server = handle.server;
    const adminId = await createUser(server);
    const memberId = await createUser(server);
    await createTeam(server, [{ userId: adminId, role: 'ADMIN' }, { userId: memberId, role: 'USER' }], TEAM_ID);
    adminKey = (await generateKey(server, adminId, TEAM_ID)).key;
    memberKey = (await generateKey(server, memberId, TEAM_ID)).key;
    const added = JSON.parse(await rawGraphql(server, ADD_MODEL, { input: { modelName: 'meaning', litellmParams: LITELLM_PARAMS, modelInfo: MODEL_INFO } }, adminKey));
    expect(added.errors).toBeUndefined();
    modelId = added.data.addModel.id;
    const patched = JSON.parse(await rawGraphql(server, PATCH_MODEL, { id: modelId, patch: { litellmParams: { extra_headers: { Authorization: SECRETS.patchedBearer } } } }, adminKey));
    expect(patched.errors).toBeUndefined();
  });

  it('model: credential headers, URL userinfo and secret-named numbers come back masked; non-secret parameters readable', async () => {
    const body = await rawGraphql(handle.server, MODEL, { id: modelId }, memberKey);
    expectNoSecretIn('model', body);
    const { litellmParams, modelInfo } = JSON.parse(body).data.model;
    expect(litellmParams).toEqual({
      model: 'openai/gpt-4o',
      api_base: 'https://****@proxy.example.com/v1',
      // The patch replaced extra_headers whole (a merge is key by key at the top level).
      extra_headers: { Authorization: maskSecret(SECRETS.patchedBearer) },
      headers: [
        { name: 'authorization', value: maskSecret(SECRETS.listedBearer) },
        { name: 'X-Env', value: 'visible-env-header' },
      ],
      fallbacks: [{ api_base: 'redis://****@cache.example.com:6379' }],
      password: maskSecret(String(SECRET_NUMBER)),
      use_secret_flag: maskSecret('true'),
      max_tokens: 4096,
      input_cost_per_token: 0.0000025,
      cache_read_input_token_cost: 0.000001,
    });
    expect(modelInfo).toMatchObject({ team_id: TEAM_ID, docs_url: 'https://****@docs.example.com/x', webhook_secret: maskSecret(String(SECRET_PIN)) });
  });

  it('models: the same masking on every node, the config-file model included (its os.environ/ values resolved)', async () => {
    const body = await rawGraphql(handle.server, MODELS, { first: 100 }, memberKey);
    expectNoSecretIn('models', body);
    const nodes = JSON.parse(body).data.models.edges.map((edge: { node: Record<string, any> }) => edge.node);
    const config = nodes.find((node: Record<string, any>) => node.id === CONFIG_MODEL_ID);
    expect(config).toMatchObject({
      source: 'CONFIG',
      teamId: TEAM_ID,
      litellmParams: {
        model: 'openai/gpt-4o-mini',
        api_base: 'https://****@config.example.com/v1',
        extra_headers: { Authorization: maskSecret(SECRETS.configBearer), 'X-Trace': 'visible-config-header' },
        // A documented non-secret parameter holding a number as text (the environment's) stays readable.
        max_tokens: '2048',
      },
    });
    expect(nodes.find((node: Record<string, any>) => node.id === modelId).litellmParams.api_base).toBe('https://****@proxy.example.com/v1');
  });

  it('model(id) of the config-file model for a team member', async () => {
    const body = await rawGraphql(handle.server, `query ($id: ID!) { model(id: $id) { ${MODEL_FIELDS} } }`, { id: CONFIG_MODEL_ID }, memberKey);
    expectNoSecretIn('config model', body);
    expect(JSON.parse(body).data.model.litellmParams.extra_headers.Authorization).toBe(maskSecret(SECRETS.configBearer));
  });

  it('auditLogs: beforeValue and updatedValues of the create and the patch are masked the same way (read by the team admin)', async () => {
    const body = await rawGraphql(handle.server, 'query ($id: ID!) { auditLogs(filter: { objectId: $id }) { edges { node { action beforeValue updatedValues } } } }', { id: modelId }, adminKey);
    expectNoSecretIn('auditLogs', body);
    const entries = JSON.parse(body).data.auditLogs.edges.map((edge: { node: Record<string, any> }) => edge.node);
    const created = entries.find((entry: Record<string, any>) => entry.action === 'CREATED');
    const updated = entries.find((entry: Record<string, any>) => entry.action === 'UPDATED');
    expect(created.updatedValues.litellm_params).toMatchObject({
      api_base: 'https://****@proxy.example.com/v1',
      extra_headers: { Authorization: maskSecret(SECRETS.bearer), 'x-api-key': maskSecret(SECRETS.apiKeyHeader), Cookie: maskSecret(SECRETS.cookie), 'X-Trace': 'visible-trace-header' },
      password: maskSecret(String(SECRET_NUMBER)),
      max_tokens: 4096,
    });
    expect(created.updatedValues.model_info).toMatchObject({ docs_url: 'https://****@docs.example.com/x', webhook_secret: maskSecret(String(SECRET_PIN)) });
    expect(updated.beforeValue.litellm_params.extra_headers.Authorization).toBe(maskSecret(SECRETS.bearer));
    expect(updated.updatedValues.litellm_params.extra_headers.Authorization).toBe(maskSecret(SECRETS.patchedBearer));
  });

  it('auditLogs stays FORBIDDEN to a plain team member, so nothing of it reaches one', async () => {
    const body = await rawGraphql(handle.server, '{ auditLogs { edges { node { beforeValue updatedValues } } } }', undefined, memberKey);
    expect(JSON.parse(body).errors.map((error: { extensions: { code: string } }) => error.extensions.code)).toEqual(['FORBIDDEN']);
    expectNoSecretIn('auditLogs (member)', body);
  });
});
