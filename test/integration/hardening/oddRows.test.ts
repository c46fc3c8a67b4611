// Odd rows fail closed: a litellm_params or model_info stored as something other than a JSON object (a Python repr,
// a bare string, "not json") reads as null with a field error, never spelled out, and no change is written to it.
import { TABLES } from '../../../src/database/tables';
import { keyWithRole, teamWithKeys } from '../../support/fixtures';
import { expectTablesUnchanged } from '../../support/modelApi';
import { testDatabaseKinds } from '../../support/testDatabases';
import { serverForEachFile, TEST_MASTER_KEY } from '../../support/testServer';

const SECRET = 'sk-odd-row-secret-9f3c2a71';

/** Stored litellm_params / model_info values that are not JSON objects (jsonb literals in SQL). */
const ODD_VALUES: [string, string][] = [
  ['a Python repr', `to_jsonb($$ {'model': 'openai/gpt-4o', 'api_key': '${SECRET}'} $$::text)`],
  ['a bare string holding the key', `to_jsonb('${SECRET}'::text)`],
  ['"not json"', `to_jsonb('not json'::text)`],
  ['a list', `'["${SECRET}"]'::jsonb`],
];

interface ModelRead {
  model: { id: string; litellmParams: unknown; modelInfo: unknown } | null;
}

describe.each(testDatabaseKinds())('odd rows, on %s', (kind) => {
  const handle = serverForEachFile(kind);

  async function insertModel(id: string, litellmParams: string, modelInfo: string): Promise<void> {
    await handle.server.sql(
      `INSERT INTO "${TABLES.proxyModel}" (model_id, model_name, litellm_params, model_info, created_by, updated_by)
       VALUES ('${id}', '${id}', ${litellmParams}, ${modelInfo}, 'proxy', 'proxy')`,
    );
  }

  it.each(ODD_VALUES)('litellm_params stored as %s reads as null with a field error, its content never shown', async (_shape, literal) => {
    const id = `odd-params-${Math.random().toString(36).slice(2, 8)}`;
    await insertModel(id, literal, `'{}'::jsonb`);
    const response = await handle.server.graphql<ModelRead>('query ($id: ID!) { model(id: $id) { id litellmParams modelInfo } }', { id });
    expect(response.data?.model).toEqual({ id, litellmParams: null, modelInfo: {} });
    expect(response.errors?.map((error) => [error.path, error.extensions?.code])).toEqual([[['model', 'litellmParams'], 'UNREADABLE_STORED_VALUE']]);
    expect(response.errors?.[0].message).toContain('needs repair');
    expect(JSON.stringify(response)).not.toContain(SECRET);
  });

  it.each(ODD_VALUES)('model_info stored as %s reads as null with a field error, its content never shown', async (_shape, literal) => {
    const id = `odd-info-${Math.random().toString(36).slice(2, 8)}`;
    await insertModel(id, `'{"model": "openai/gpt-4o"}'::jsonb`, literal);
    const response = await handle.server.graphql<ModelRead>('query ($id: ID!) { model(id: $id) { id litellmParams modelInfo } }', { id });
    expect(response.data?.model).toEqual({ id, litellmParams: { model: 'openai/gpt-4o' }, modelInfo: null });
    expect(response.errors?.map((error) => [error.path, error.extensions?.code])).toEqual([[['model', 'modelInfo'], 'UNREADABLE_STORED_VALUE']]);
    expect(JSON.stringify(response)).not.toContain(SECRET);
  });

  it('a model whose team cannot be determined is listed for proxy admins and viewers only, and the list still answers', async () => {
    const { server } = handle;
    const id = 'odd-team-undetermined';
    await insertModel(id, `'{"model": "openai/gpt-4o"}'::jsonb`, `to_jsonb('not json'::text)`);
    const team = await teamWithKeys(server);
    const viewer = await keyWithRole(server, 'PROXY_ADMIN_VIEWER');
    const listed = async (key: string) => {
      const response = await server.graphql<{ models: { edges: { node: { id: string } }[] } }>('{ models(first: 100) { edges { node { id } } } }', {}, key);
      expect(response.errors).toBeUndefined();
      return response.data!.models.edges.map((edge) => edge.node.id);
    };
    expect(await listed(TEST_MASTER_KEY)).toContain(id);
    expect(await listed(viewer.key)).toContain(id);
    expect(await listed(team.adminKey)).not.toContain(id);
    expect(await listed(team.memberKey)).not.toContain(id);
  });

  it.each([
    ['patchModel', 'mutation ($id: ID!) { patchModel(id: $id, patch: { litellmParams: { rpm: 7 } }) { id } }'],
    ['updateModel', 'mutation ($id: ID!) { updateModel(input: { id: $id, litellmParams: { model: "openai/gpt-4o" } }) { id } }'],
    ['deleteModel', 'mutation ($id: ID!) { deleteModel(id: $id) { id } }'],
  ])('%s of a row whose litellm_params is not a JSON object is refused as needing repair, writing nothing', async (_mutation, document) => {
    const id = `odd-change-${Math.random().toString(36).slice(2, 8)}`;
    await insertModel(id, `to_jsonb($$ {'model': 'openai/gpt-4o', 'api_key': '${SECRET}'} $$::text)`, `'{}'::jsonb`);
    const response = await expectTablesUnchanged(handle.server, () => handle.server.graphql(document, { id }));
    expect(response.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(response.errors?.[0].message).toContain('needs repair');
    expect(JSON.stringify(response)).not.toContain(SECRET);
    const [stored] = await handle.server.sql<{ litellm_params: unknown }>(`SELECT litellm_params FROM "${TABLES.proxyModel}" WHERE model_id = ?`, [id]);
    expect(stored.litellm_params).toBe(` {'model': 'openai/gpt-4o', 'api_key': '${SECRET}'} `);
  });
});
