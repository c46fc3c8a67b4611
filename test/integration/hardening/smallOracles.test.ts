// Small oracles: answers that told a caller more than its rights allow, or accepted input they should have refused.
// Each regression test is named after what it pins.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TABLES } from '../../../src/database/tables';
import { hashApiKey } from '../../../src/crypto/hashApiKey';
import { addModel, createUser, keyWithRole, teamWithKeys } from '../../support/fixtures';
import { testDatabaseKinds } from '../../support/testDatabases';
import { serverForEachFile, TEST_MASTER_KEY } from '../../support/testServer';

const CONFIG_ID = 'config-model-for-oracles';

describe.each(testDatabaseKinds())('small oracles, on %s', (kind) => {
  const handle = serverForEachFile(kind, () => ({ configFile: writeConfig() }));

  function writeConfig(): string {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'mag-oracles-')), 'config.yaml');
    writeFileSync(file, `model_list:\n  - model_name: from-config\n    litellm_params: { model: openai/gpt-4o }\n    model_info: { id: ${CONFIG_ID} }\n`);
    return file;
  }

  const rowCount = async (table: string) => Number((await handle.server.sql<{ count: string }>(`SELECT count(*) AS count FROM "${table}"`))[0].count);

  it("a viewer reads the audit entries of API keys without the key's hash", async () => {
    const { server } = handle;
    const viewer = await keyWithRole(server, 'PROXY_ADMIN_VIEWER');
    const query = `{ auditLogs(first: 100, filter: { tableName: "${TABLES.verificationToken}" }) { edges { node { objectId } } } }`;
    const asAdmin = await server.graphql<{ auditLogs: { edges: { node: { objectId: string } }[] } }>(query);
    const asViewer = await server.graphql<{ auditLogs: { edges: { node: { objectId: string } }[] } }>(query, {}, viewer.key);
    expect(asViewer.errors).toBeUndefined();
    const hash = hashApiKey(viewer.key);
    expect(asAdmin.data!.auditLogs.edges.map((edge) => edge.node.objectId)).toContain(hash);
    const seenByViewer = JSON.stringify(asViewer.data);
    expect(seenByViewer).not.toContain(hash);
    expect(seenByViewer).not.toContain(hash.slice(8, 40));
  });

  it('addModel with the id of a hidden model answers as for any id that is taken, saying nothing of the model', async () => {
    const { server } = handle;
    const teamA = await teamWithKeys(server);
    const teamB = await teamWithKeys(server);
    const hidden = await addModel(server, { modelInfo: { team_id: teamB.teamId } });
    const visible = await addModel(server, { modelInfo: { team_id: teamA.teamId } });
    const attempt = (id: string) =>
      server.graphql(
        'mutation ($input: AddModelInput!) { addModel(input: $input) { id } }',
        { input: { modelName: 'probe', litellmParams: { model: 'openai/gpt-4o' }, modelInfo: { id, team_id: teamA.teamId } } },
        teamA.adminKey,
      );
    const before = await rowCount(TABLES.proxyModel);
    const [ofHidden, ofVisible, ofConfig] = [await attempt(hidden.id), await attempt(visible.id), await attempt(CONFIG_ID)];
    for (const [response, id] of [[ofHidden, hidden.id], [ofVisible, visible.id], [ofConfig, CONFIG_ID]] as const) {
      expect(response.errors?.[0].extensions?.code).toBe('CONFLICT');
      expect(response.errors?.[0].message.replace(id, '<id>')).toBe(ofHidden.errors?.[0].message.replace(hidden.id, '<id>'));
    }
    expect(await rowCount(TABLES.proxyModel)).toBe(before);
  });

  it("no answer names the config file's path", async () => {
    const { server } = handle;
    const responses = [
      await server.graphql('mutation ($id: ID!) { deleteModel(id: $id) { id } }', { id: CONFIG_ID }),
      await server.graphql('mutation ($id: ID!) { patchModel(id: $id, patch: { modelName: "x" }) { id } }', { id: CONFIG_ID }),
      await server.graphql('mutation { addModel(input: { modelName: "x", litellmParams: { model: "m" }, modelInfo: { id: "config-model-for-oracles" } }) { id } }'),
    ];
    for (const response of responses) {
      expect(response.errors).toHaveLength(1);
      expect(JSON.stringify(response)).not.toMatch(/mag-oracles-|config\.yaml|\/tmp\//);
    }
  });

  it('a forged audit cursor holding a NUL is BAD_USER_INPUT, not an internal error', async () => {
    const cursor = Buffer.from(JSON.stringify({ updatedAt: '2026-01-01T00:00:00.000Z', id: 'a\u0000b' }), 'utf8').toString('base64url');
    const response = await handle.server.graphql('query ($after: String) { auditLogs(after: $after) { edges { cursor } } }', { after: cursor });
    expect(response.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('createUser refuses default_user_id, which the audit trail reserves for the master key', async () => {
    const before = await rowCount(TABLES.user);
    const response = await handle.server.graphql('mutation { createUser(input: { userId: "default_user_id" }) { id } }');
    expect(response.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(response.errors?.[0].message).toMatch(/reserved for the master key/);
    expect(await rowCount(TABLES.user)).toBe(before);
    await expect(createUser(handle.server, 'INTERNAL_USER', 'not-reserved-user')).resolves.toBe('not-reserved-user');
  });

  it.each([
    ['a literal', 'mutation { addModel(input: { modelName: "huge", litellmParams: { model: "m", rpm: 1e400 } }) { id } }', undefined],
    ['a variable', 'mutation ($input: AddModelInput!) { addModel(input: $input) { id } }', '{"input":{"modelName":"huge","litellmParams":{"model":"m","rpm":1e400}}}'],
  ])('a JSON number too large for JSON (1e400) in %s is refused with BAD_USER_INPUT, not stored as null', async (_where, query, rawVariables) => {
    const before = await rowCount(TABLES.proxyModel);
    const body = rawVariables ? `{"query":${JSON.stringify(query)},"variables":${rawVariables}}` : JSON.stringify({ query });
    const response = await fetch(`${handle.server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_MASTER_KEY}` },
      body,
    });
    const answer = (await response.json()) as { errors?: { extensions?: { code?: string }; message: string }[] };
    expect(answer.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(answer.errors?.[0].message).toMatch(/too large/);
    expect(await rowCount(TABLES.proxyModel)).toBe(before);
  });
});
