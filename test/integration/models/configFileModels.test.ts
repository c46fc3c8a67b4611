// Models of the proxy's config file: listed and readable with source CONFIG, secrets masked, never editable.
import { TABLES } from '../../../src/database/tables';
import { addModel } from '../../support/fixtures';
import { testDatabaseKinds } from '../../support/testDatabases';
import {
  ADD_MODEL,
  DELETE_MODEL,
  expectError,
  expectNothingWritten,
  MODEL,
  MODELS,
  PATCH_MODEL,
  rawGraphql,
  UPDATE_MODEL,
  writeConfigFile,
} from '../../support/modelApi';
import { serverForEachFile } from '../../support/testServer';

const ENV_NAME = 'MODELS_TEST_CONFIG_OPENAI_KEY';
const ENV_SECRET = 'sk-from-environment-0123456789abcd';
const INLINE_SECRET = 'sk-ant-inline-secret-9876543210wxyz';
const CONFIG_ID = 'config-gpt-4o';

const CONFIG_YAML = `model_list:
  - model_name: config-gpt
    litellm_params:
      model: openai/gpt-4o
      api_key: os.environ/${ENV_NAME}
    model_info:
      id: ${CONFIG_ID}
  - model_name: config-claude
    litellm_params:
      model: anthropic/claude-3-5-sonnet
      api_key: ${INLINE_SECRET}
      rpm: 30
`;

describe.each(testDatabaseKinds())('config-file models on %s', (kind) => {
  const configFile = writeConfigFile(CONFIG_YAML);
  const handle = serverForEachFile(kind, () => {
    process.env[ENV_NAME] = ENV_SECRET;
    return { configFile };
  });
  afterAll(() => {
    delete process.env[ENV_NAME];
  });

  let dbModelId: string;
  let hashedConfigId: string;
  beforeAll(async () => {
    dbModelId = (await addModel(handle.server, { modelName: 'db-model' })).id;
    const listed = await handle.server.graphql(MODELS, { filter: { source: 'CONFIG' } });
    hashedConfigId = listed.data?.models.edges.find((edge: any) => edge.node.modelName === 'config-claude').node.id;
  });

  it('lists config models with source CONFIG, then database models with source DB', async () => {
    const response = await handle.server.graphql(MODELS, {});
    const nodes = response.data?.models.edges.map((edge: any) => edge.node);
    expect(nodes.map((node: any) => [node.modelName, node.source])).toEqual([
      ['config-gpt', 'CONFIG'],
      ['config-claude', 'CONFIG'],
      ['db-model', 'DB'],
    ]);
    expect(response.data?.models.totalCount).toBe(3);
    expect(nodes[0]).toMatchObject({ id: CONFIG_ID, publicModelName: 'config-gpt', teamId: null, createdAt: null, modelInfo: { id: CONFIG_ID } });
  });

  it('gives a config model without model_info.id a stable hash id', () => {
    expect(hashedConfigId).toMatch(/^[0-9a-f]{64}$/);
  });

  it('never writes config models to the database', async () => {
    const ids = await handle.server.sql<{ model_id: string }>(`select model_id from "${TABLES.proxyModel}"`);
    expect(ids.map((row) => row.model_id)).toEqual([dbModelId]);
  });

  it('returns config models from model(id), os.environ/ resolved and every secret masked', async () => {
    const resolved = await handle.server.graphql(MODEL, { id: CONFIG_ID });
    expect(resolved.data?.model).toMatchObject({ id: CONFIG_ID, source: 'CONFIG', litellmParams: { model: 'openai/gpt-4o', api_key: 'sk-****abcd' } });
    const inline = await handle.server.graphql(MODEL, { id: hashedConfigId });
    expect(inline.data?.model).toMatchObject({ modelName: 'config-claude', litellmParams: { model: 'anthropic/claude-3-5-sonnet', api_key: 'sk-****wxyz', rpm: 30 } });
    const everything = await rawGraphql(handle.server, MODELS, {});
    expect(everything).not.toContain(ENV_SECRET);
    expect(everything).not.toContain(INLINE_SECRET);
  });

  it('filters by source', async () => {
    const config = await handle.server.graphql(MODELS, { filter: { source: 'CONFIG' } });
    expect(config.data?.models.edges.map((edge: any) => edge.node.id)).toEqual([CONFIG_ID, hashedConfigId]);
    expect(config.data?.models.totalCount).toBe(2);
    const db = await handle.server.graphql(MODELS, { filter: { source: 'DB' } });
    expect(db.data?.models.edges.map((edge: any) => edge.node.id)).toEqual([dbModelId]);
    expect(db.data?.models.totalCount).toBe(1);
  });

  describe.each([
    ['updateModel', (id: string) => [UPDATE_MODEL, { input: { id, litellmParams: { rpm: 1 } } }] as const],
    ['patchModel', (id: string) => [PATCH_MODEL, { id, patch: { modelName: 'renamed' } }] as const],
    ['deleteModel', (id: string) => [DELETE_MODEL, { id }] as const],
  ])('%s', (_mutation, operation) => {
    it.each([[CONFIG_ID], ['the hashed id']])('refuses config model %s with BAD_USER_INPUT saying it is in the config file (not where that is), and writes nothing', async (which) => {
      const id = which === CONFIG_ID ? CONFIG_ID : hashedConfigId;
      const [query, variables] = operation(id);
      const response = await expectNothingWritten(handle.server, () => handle.server.graphql(query, variables));
      const error = expectError(response, 'BAD_USER_INPUT');
      expect(error.message).not.toContain(configFile);
      expect(error.message).toContain('config file');
    });

    it('answers NOT_FOUND for an id in neither the database nor the config file', async () => {
      const [query, variables] = operation('in-neither-place');
      expectError(await expectNothingWritten(handle.server, () => handle.server.graphql(query, variables)), 'NOT_FOUND');
    });
  });

  it('refuses addModel with the id of a config model with CONFLICT, and writes nothing', async () => {
    const response = await expectNothingWritten(handle.server, () =>
      handle.server.graphql(ADD_MODEL, { input: { modelName: 'shadow', litellmParams: { model: 'openai/gpt-4o' }, modelInfo: { id: CONFIG_ID } } }),
    );
    expectError(response, 'CONFLICT');
  });

  it('answers null from model(id) for an unknown id', async () => {
    expect(await handle.server.graphql(MODEL, { id: 'in-neither-place' })).toMatchObject({ data: { model: null } });
  });
});
