// Reads are answered from nodes kept between requests (src/models/storedModelNodes.ts), so a row changed outside this
// instance (by the proxy, another instance or SQL) must read as changed on the very next request, through `model`,
// `models` and AuditLog.model alike, visibility included.
import { TABLES } from '../../../src/database/tables';
import { addModel, teamWithKeys } from '../../support/fixtures';
import { MODEL, MODELS } from '../../support/modelApi';
import { describeOnPostgres, testDatabaseKinds } from '../../support/testDatabases';
import { serverForEachFile, TEST_MASTER_KEY, type TestServer } from '../../support/testServer';

interface ReadNode {
  id: string;
  modelName: string;
  teamId: string | null;
  litellmParams: Record<string, unknown> | null;
  modelInfo: Record<string, unknown> | null;
  createdBy: string;
  updatedBy: string;
  updatedAt: string;
}

describe.each(testDatabaseKinds())('reads after a change made outside this instance, on %s', (kind) => {
  const handle = serverForEachFile(kind);

  // A team key reads the fields every model viewer may read (litellmParams is for the model's team only).
  const TEAM_VIEW = 'id modelName teamId modelInfo createdBy updatedBy updatedAt';

  async function byId(server: TestServer, id: string, key = TEST_MASTER_KEY): Promise<ReadNode | null> {
    const query = key === TEST_MASTER_KEY ? MODEL : `query ($id: ID!) { model(id: $id) { ${TEAM_VIEW} } }`;
    const response = await server.graphql<{ model: ReadNode | null }>(query, { id }, key);
    expect(response.errors).toBeUndefined();
    return response.data!.model;
  }

  async function listed(server: TestServer, id: string, key = TEST_MASTER_KEY): Promise<ReadNode | undefined> {
    const query = key === TEST_MASTER_KEY ? MODELS : `{ models(first: 100) { edges { node { ${TEAM_VIEW} } } } }`;
    const response = await server.graphql<{ models: { edges: { node: ReadNode }[] } }>(query, { first: 100 }, key);
    expect(response.errors).toBeUndefined();
    return response.data!.models.edges.map((edge) => edge.node).find((node) => node.id === id);
  }

  async function viaAuditLog(server: TestServer, id: string): Promise<ReadNode | null> {
    const response = await server.graphql<{ auditLogs: { edges: { node: { model: ReadNode | null } }[] } }>(
      `query ($id: ID!) { auditLogs(filter: { objectId: $id }, first: 1) { edges { node { model { id modelName teamId litellmParams modelInfo createdBy updatedBy updatedAt } } } } }`,
      { id },
    );
    expect(response.errors).toBeUndefined();
    return response.data!.auditLogs.edges[0].node.model;
  }

  /** Reads the model every way (so that each path has kept it), changes the row in SQL, and returns every way's new read. */
  async function readChangeRead(server: TestServer, id: string, change: string, values: unknown[] = []) {
    await byId(server, id);
    await listed(server, id);
    await viaAuditLog(server, id);
    await server.sql(`UPDATE "${TABLES.proxyModel}" SET ${change} WHERE model_id = ?`, [...values, id]);
    return { byId: await byId(server, id), listed: await listed(server, id), viaAuditLog: await viaAuditLog(server, id) };
  }

  it.each([
    ['a plaintext value in litellm_params', `litellm_params = litellm_params || '{"rpm": 77}'::jsonb`, (node: ReadNode) => node.litellmParams?.rpm === 77],
    ['model_info', `model_info = model_info || '{"mode": "embedding"}'::jsonb`, (node: ReadNode) => node.modelInfo?.mode === 'embedding'],
    ['the stored name', `model_name = 'renamed-outside'`, (node: ReadNode) => node.modelName === 'renamed-outside'],
    ['updated_at alone, by a millisecond', `updated_at = updated_at + interval '1 millisecond'`, (node: ReadNode, before: ReadNode) => node.updatedAt !== before.updatedAt],
    ['updated_by', `updated_by = 'someone-else'`, (node: ReadNode) => node.updatedBy === 'someone-else'],
    ['created_by', `created_by = 'someone-else'`, (node: ReadNode) => node.createdBy === 'someone-else'],
  ])('%s changed in SQL reads as changed on the next request, by id, in the list and through the audit log', async (_what, change, changed) => {
    const { server } = handle;
    const { id } = await addModel(server);
    const before = (await byId(server, id))!;
    const after = await readChangeRead(server, id, change);
    for (const node of [after.byId, after.listed, after.viaAuditLog]) expect(changed(node!, before)).toBe(true);
  });

  it('a secret replaced by another ciphertext reads with the new mask', async () => {
    const { server } = handle;
    const { id } = await addModel(server, { litellmParams: { model: 'openai/gpt-4o', api_key: 'sk-first-key-aaaaaaaaaaaa1111' } });
    const { id: otherId } = await addModel(server, { litellmParams: { model: 'openai/gpt-4o', api_key: 'sk-other-key-bbbbbbbbbbbb2222' } });
    const other = (await byId(server, otherId))!;
    const before = (await byId(server, id))!;
    expect(before.litellmParams?.api_key).not.toEqual(other.litellmParams?.api_key);
    const after = await readChangeRead(
      server,
      id,
      `litellm_params = jsonb_set(litellm_params, '{api_key}', (SELECT litellm_params -> 'api_key' FROM "${TABLES.proxyModel}" WHERE model_id = ?))`,
      [otherId],
    );
    for (const node of [after.byId, after.listed, after.viaAuditLog]) expect(node!.litellmParams?.api_key).toEqual(other.litellmParams?.api_key);
  });

  it('a model moved to another team in SQL is hidden from the old team and shown to the new one at once', async () => {
    const { server } = handle;
    const [first, second] = [await teamWithKeys(server), await teamWithKeys(server)];
    const { id } = await addModel(server, { modelInfo: { team_id: first.teamId } });
    expect((await byId(server, id, first.memberKey))?.teamId).toBe(first.teamId);
    expect(await listed(server, id, first.memberKey)).toBeDefined();
    expect(await byId(server, id, second.memberKey)).toBeNull();
    await server.sql(`UPDATE "${TABLES.proxyModel}" SET model_info = jsonb_set(model_info, '{team_id}', to_jsonb(?::text)) WHERE model_id = ?`, [second.teamId, id]);
    expect(await byId(server, id, first.memberKey)).toBeNull();
    expect(await listed(server, id, first.memberKey)).toBeUndefined();
    expect((await byId(server, id, second.memberKey))?.teamId).toBe(second.teamId);
    expect((await listed(server, id, second.memberKey))?.teamId).toBe(second.teamId);
  });

  it('a model deleted in SQL is gone on the next read, and one created again with the same id reads as the new row', async () => {
    const { server } = handle;
    const { id } = await addModel(server, { modelName: 'first-life' });
    expect((await byId(server, id))?.modelName).toBe('first-life');
    const [row] = await server.sql<Record<string, unknown>>(`SELECT * FROM "${TABLES.proxyModel}" WHERE model_id = ?`, [id]);
    await server.sql(`DELETE FROM "${TABLES.proxyModel}" WHERE model_id = ?`, [id]);
    expect(await byId(server, id)).toBeNull();
    expect(await listed(server, id)).toBeUndefined();
    await server.sql(
      `INSERT INTO "${TABLES.proxyModel}" (model_id, model_name, litellm_params, model_info, created_by, updated_by) VALUES (?, 'second-life', ?::jsonb, ?::jsonb, 'proxy', 'proxy')`,
      [id, JSON.stringify(row.litellm_params), JSON.stringify(row.model_info)],
    );
    expect((await byId(server, id))?.modelName).toBe('second-life');
    expect((await listed(server, id))?.createdBy).toBe('proxy');
  });
});

// The embedded database serves one connection, so one instance: two instances share PostgreSQL only.
describeOnPostgres('two instances over one PostgreSQL database', () => {
  const handle = serverForEachFile('postgres', undefined, { instances: 2 });

  it('a model changed through one instance reads as changed through the other, which had read it before', async () => {
    const [first, second] = handle.servers;
    const { id } = await addModel(first, { litellmParams: { model: 'openai/gpt-4o', api_key: 'sk-two-instances-000000000001', rpm: 1 } });
    const read = async () => (await second.graphql<{ model: ReadNode }>(MODEL, { id })).data!.model;
    const list = async () => (await second.graphql<{ models: { edges: { node: ReadNode }[] } }>(MODELS, { first: 100 })).data!.models.edges.find((edge) => edge.node.id === id)!.node;
    expect((await read()).litellmParams?.rpm).toBe(1);
    expect((await list()).litellmParams?.rpm).toBe(1);
    const patched = await first.graphql(`mutation ($id: ID!) { patchModel(id: $id, patch: { litellmParams: { rpm: 2, api_key: "sk-two-instances-000000000002" } }) { id } }`, { id });
    expect(patched.errors).toBeUndefined();
    for (const node of [await read(), await list()]) {
      expect(node.litellmParams?.rpm).toBe(2);
      expect(node.litellmParams?.api_key).toMatch(/0002$/);
    }
  });
});
