// Blocked models, as a current proxy has them (LiteLLM_ProxyModelTable.blocked): read, filtered, blocked and
// unblocked by proxy admins only, each change audited as the proxy audits /model/block and /model/unblock; over an
// older proxy's table, which has no such column, every model reads unblocked and blocking is refused.
import { hashApiKey } from '../../../src/crypto/hashApiKey';
import { TABLES } from '../../../src/database/tables';
import { auditRowsOf } from '../../support/auditTrail';
import { storedRow } from '../../support/storedRows';
import { addModel, keyWithRole, teamWithKeys } from '../../support/fixtures';
import { testDatabaseKinds } from '../../support/testDatabases';
import { TEST_MASTER_KEY, type TestServer } from '../../support/testServer';
import { expectError, expectTablesUnchanged, serverOverProxySchema } from '../../support/modelApi';
import { serverForEachFile } from '../../support/testServer';

const BLOCK = 'mutation ($id: ID!, $expected: DateTime) { blockModel(id: $id, expectedUpdatedAt: $expected) { id blocked updatedAt updatedBy } }';
const UNBLOCK = 'mutation ($id: ID!, $expected: DateTime) { unblockModel(id: $id, expectedUpdatedAt: $expected) { id blocked updatedAt updatedBy } }';
const BLOCKED_OF = 'query ($id: ID!) { model(id: $id) { id blocked updatedAt } }';
const LISTED = 'query ($blocked: Boolean, $name: String) { models(filter: { blocked: $blocked, modelName: $name }, first: 100) { totalCount edges { node { id blocked } } } }';

const MASTER_KEY_HASH = hashApiKey(TEST_MASTER_KEY);

async function listedIds(server: TestServer, blocked: boolean | null, name: string): Promise<string[]> {
  const response = await server.graphql(LISTED, { blocked, name });
  expect(response.errors).toBeUndefined();
  return response.data!.models.edges.map((edge: { node: { id: string } }) => edge.node.id);
}

const modelRow = (server: TestServer, id: string) => storedRow(server, TABLES.proxyModel, 'model_id', id);

describe.each(testDatabaseKinds())('blocked models on %s', (kind) => {
  describe.each([
    ['a current proxy schema', () => serverOverProxySchema(kind, 'current')],
    ['a database of our own', () => serverForEachFile(kind)],
  ])('over %s', (_schema, makeHandle) => {
    const handle = makeHandle();

    it('reads blocked: false for a new model and for a row the proxy wrote without the column', async () => {
      const model = await addModel(handle.server);
      await handle.server.sql(
        `insert into "${TABLES.proxyModel}" (model_id, model_name, litellm_params, created_by, updated_by) values ('proxy-written', 'proxy-model', '{"model":"openai/gpt-4o"}', 'proxy', 'proxy')`,
      );
      for (const id of [model.id, 'proxy-written']) {
        expect((await handle.server.graphql(BLOCKED_OF, { id })).data!.model).toMatchObject({ id, blocked: false });
      }
    });

    it('blockModel sets blocked and writes one `blocked` audit row with the whole row before and after, as the proxy does', async () => {
      const model = await addModel(handle.server);
      const before = await modelRow(handle.server, model.id);
      const response = await handle.server.graphql(BLOCK, { id: model.id });
      expect(response.errors).toBeUndefined();
      expect(response.data!.blockModel).toMatchObject({ id: model.id, blocked: true, updatedBy: 'default_user_id' });
      const after = await modelRow(handle.server, model.id);
      expect(after).toMatchObject({ ...before, blocked: true, updated_by: 'default_user_id', updated_at: response.data!.blockModel.updatedAt });

      const rows = (await auditRowsOf(handle.server, model.id)).filter((row) => row.action !== 'created');
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        action: 'blocked',
        table_name: TABLES.proxyModel,
        object_id: model.id,
        changed_by: 'default_user_id',
        changed_by_api_key: MASTER_KEY_HASH,
        before_value: before,
        updated_values: after,
      });
    });

    it('unblockModel clears it and writes one `unblocked` audit row', async () => {
      const model = await addModel(handle.server);
      await handle.server.graphql(BLOCK, { id: model.id });
      const before = await modelRow(handle.server, model.id);
      const response = await handle.server.graphql(UNBLOCK, { id: model.id });
      expect(response.errors).toBeUndefined();
      expect(response.data!.unblockModel).toMatchObject({ id: model.id, blocked: false });
      const rows = await auditRowsOf(handle.server, model.id);
      expect(rows.map((row) => row.action).sort()).toEqual(['blocked', 'created', 'unblocked']);
      expect(rows.find((row) => row.action === 'unblocked')).toMatchObject({ before_value: before, updated_values: await modelRow(handle.server, model.id) });
    });

    it('is a no-op, writing nothing, when the model is already in that state', async () => {
      const model = await addModel(handle.server);
      const unblocked = await expectTablesUnchanged(handle.server, () => handle.server.graphql(UNBLOCK, { id: model.id }));
      expect(unblocked.data!.unblockModel).toMatchObject({ blocked: false, updatedAt: model.updatedAt });
      await handle.server.graphql(BLOCK, { id: model.id });
      const blockedAt = (await handle.server.graphql(BLOCKED_OF, { id: model.id })).data!.model.updatedAt;
      const again = await expectTablesUnchanged(handle.server, () => handle.server.graphql(BLOCK, { id: model.id }));
      expect(again.data!.blockModel).toMatchObject({ blocked: true, updatedAt: blockedAt });
    });

    it('models(filter: { blocked }) lists only the models in that state', async () => {
      const name = `filter-${kind}-${Math.random().toString(36).slice(2, 8)}`;
      const [first, second, third] = [await addModel(handle.server, { modelName: `${name}-1` }), await addModel(handle.server, { modelName: `${name}-2` }), await addModel(handle.server, { modelName: `${name}-3` })];
      await handle.server.graphql(BLOCK, { id: second.id });
      expect(await listedIds(handle.server, true, name)).toEqual([second.id]);
      expect(await listedIds(handle.server, false, name)).toEqual([first.id, third.id]);
      expect(await listedIds(handle.server, null, name)).toEqual([first.id, second.id, third.id]);
    });

    it('reads the audit entries as BLOCKED and UNBLOCKED, and filters on them', async () => {
      const model = await addModel(handle.server);
      await handle.server.graphql(BLOCK, { id: model.id });
      await handle.server.graphql(UNBLOCK, { id: model.id });
      const entries = await handle.server.graphql(
        'query ($id: ID!) { all: auditLogs(filter: { objectId: $id }) { edges { node { action actionName } } } blocked: auditLogs(filter: { objectId: $id, action: BLOCKED }) { totalCount } unblocked: auditLogs(filter: { objectId: $id, action: UNBLOCKED }) { totalCount } }',
        { id: model.id },
      );
      expect(entries.errors).toBeUndefined();
      expect(entries.data!.all.edges.map((edge: { node: { actionName: string } }) => edge.node).sort((a: { actionName: string }, b: { actionName: string }) => a.actionName.localeCompare(b.actionName))).toEqual([
        { action: 'BLOCKED', actionName: 'blocked' },
        { action: 'CREATED', actionName: 'created' },
        { action: 'UNBLOCKED', actionName: 'unblocked' },
      ]);
      expect(entries.data!.blocked.totalCount).toBe(1);
      expect(entries.data!.unblocked.totalCount).toBe(1);
    });

    describe('refusals, each writing nothing', () => {
      let keys: { viewer: string; teamAdmin: string; teamMember: string };
      let teamId: string;
      beforeAll(async () => {
        const team = await teamWithKeys(handle.server);
        teamId = team.teamId;
        keys = { viewer: (await keyWithRole(handle.server, 'PROXY_ADMIN_VIEWER')).key, teamAdmin: team.adminKey, teamMember: team.memberKey };
      });

      it.each(['viewer', 'teamAdmin', 'teamMember'] as const)('a %s may not block or unblock, not even a model of its own team', async (caller) => {
        const model = await addModel(handle.server, { modelInfo: { team_id: teamId } });
        for (const mutation of [BLOCK, UNBLOCK]) {
          const response = await expectTablesUnchanged(handle.server, () => handle.server.graphql(mutation, { id: model.id }, keys[caller]));
          expect(expectError(response, 'FORBIDDEN').message).toContain('PROXY_ADMIN');
        }
      });

      it('a stale expectedUpdatedAt is CONFLICT, naming who changed the model and when', async () => {
        const team = await teamWithKeys(handle.server);
        const model = await addModel(handle.server, { modelInfo: { team_id: team.teamId } });
        // Someone else changes the model after the admin read it.
        const change = await handle.server.graphql('mutation ($id: ID!) { patchModel(id: $id, patch: { modelName: "renamed" }) { updatedAt } }', { id: model.id }, team.adminKey);
        expect(change.errors).toBeUndefined();
        const changedAt = change.data!.patchModel.updatedAt;
        const response = await expectTablesUnchanged(handle.server, () => handle.server.graphql(BLOCK, { id: model.id, expected: model.updatedAt }));
        const error = expectError(response, 'CONFLICT');
        expect(error.message).toContain(JSON.stringify(team.adminId));
        expect(error.message).toContain(changedAt);
        expect(error.message).toContain('(updated)');
        expect(error.message).toContain(model.updatedAt);
      });

      it('an expectedUpdatedAt that matches lets the change through, and a stale one even for a no-op is CONFLICT', async () => {
        const model = await addModel(handle.server);
        const blocked = await handle.server.graphql(BLOCK, { id: model.id, expected: model.updatedAt });
        expect(blocked.errors).toBeUndefined();
        expect(blocked.data!.blockModel.blocked).toBe(true);
        const stale = await expectTablesUnchanged(handle.server, () => handle.server.graphql(BLOCK, { id: model.id, expected: model.updatedAt }));
        expect(expectError(stale, 'CONFLICT').message).toContain('(blocked)');
      });

      it('NOT_FOUND for an unknown id', async () => {
        const response = await expectTablesUnchanged(handle.server, () => handle.server.graphql(BLOCK, { id: 'no-such-model' }));
        expectError(response, 'NOT_FOUND');
      });
    });
  });

  describe('over an older proxy schema (no blocked column)', () => {
    const handle = serverOverProxySchema(kind, 'older');

    it('reads every model as not blocked, and filters accordingly', async () => {
      const model = await addModel(handle.server, { modelName: 'older-schema-model' });
      expect((await handle.server.graphql(BLOCKED_OF, { id: model.id })).data!.model).toMatchObject({ blocked: false });
      expect(await listedIds(handle.server, false, 'older-schema-model')).toEqual([model.id]);
      expect(await listedIds(handle.server, true, 'older-schema-model')).toEqual([]);
    });

    it.each([
      ['blockModel', BLOCK],
      ['unblockModel', UNBLOCK],
    ])('refuses %s with BAD_USER_INPUT saying why, writing nothing', async (_name, mutation) => {
      const model = await addModel(handle.server);
      const response = await expectTablesUnchanged(handle.server, () => handle.server.graphql(mutation, { id: model.id }));
      const error = expectError(response, 'BAD_USER_INPUT');
      expect(error.message).toContain('no `blocked` column');
      expect(error.message).toContain('older LiteLLM proxy');
      const [{ exists }] = await handle.server.sql<{ exists: boolean }>(
        `select exists (select 1 from information_schema.columns where table_name = '${TABLES.proxyModel}' and column_name = 'blocked') as exists`,
      );
      expect(exists).toBe(false);
    });
  });
});
