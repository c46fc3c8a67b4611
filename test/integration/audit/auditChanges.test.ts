// AuditLog.changes: one entry per leaf that differs between beforeValue and updatedValues, at any depth, compared
// decrypted and shown masked; bookkeeping columns only when asked for. modelHistory and deletedModels list the entries
// with their changes, within the audit trail's access rules.
import { addModel, createTeam, keyWithRole, teamWithKeys } from '../../support/fixtures';
import { DELETE_MODEL, expectError, PATCH_MODEL, rawGraphql } from '../../support/modelApi';
import { testDatabaseKinds } from '../../support/testDatabases';
import { serverForEachFile, type TestServer } from '../../support/testServer';

const HISTORY = `query ($id: ID!, $bookkeeping: Boolean, $first: Int, $after: String) {
  modelHistory(id: $id, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id action changes(includeBookkeeping: $bookkeeping) { path before after kind } } }
  }
}`;
const DELETED = `query ($first: Int, $after: String) { deletedModels(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { objectId action } } } }`;

const FIRST_KEY = 'sk-aaaa-first-secret-wxyz';
const SECOND_KEY = 'sk-bbbb-second-secret-wxyz';

type Change = { path: string[]; before: unknown; after: unknown; kind: string };

async function historyOf(server: TestServer, id: string, bookkeeping = false, key?: string) {
  const response = await server.graphql(HISTORY, { id, bookkeeping, first: 100 }, key);
  expect(response.errors).toBeUndefined();
  return response.data!.modelHistory.edges.map((edge: { node: { id: string; action: string; changes: Change[] } }) => edge.node);
}

const byPath = (changes: Change[]) => [...changes].sort((a, b) => a.path.join('.').localeCompare(b.path.join('.')));

describe.each(testDatabaseKinds())('AuditLog.changes on %s', (kind) => {
  const handle = serverForEachFile(kind);
  const server = () => handle.server;

  async function nestedModel() {
    return addModel(server(), {
      litellmParams: {
        model: 'openai/gpt-4o',
        api_key: FIRST_KEY,
        extra_headers: { Authorization: 'Bearer first-header-0123456789', 'X-Trace': 'kept' },
        routing: { deep: { weight: 1, region: 'eu' } },
      },
      modelInfo: { base_model: 'gpt-4o', meta: { tier: 'gold', limits: { rpm: 5 } } },
    });
  }

  it('lists each changed leaf at any depth, secrets masked alike on both sides yet shown as changed', async () => {
    const model = await nestedModel();
    const patched = await server().graphql(PATCH_MODEL, {
      id: model.id,
      patch: {
        litellmParams: {
          api_key: SECOND_KEY,
          extra_headers: { Authorization: 'Bearer second-header-0123456789', 'X-Trace': 'kept' },
          routing: { deep: { weight: 2, region: 'eu' }, added: true },
        },
        modelInfo: { meta: { tier: 'silver', limits: { rpm: 5 } }, mode: 'chat' },
      },
    });
    expect(patched.errors).toBeUndefined();
    const [update] = await historyOf(server(), model.id);
    expect(update.action).toBe('UPDATED');
    const masked = 'sk-****wxyz';
    expect(byPath(update.changes)).toEqual([
      { path: ['litellm_params', 'api_key'], before: masked, after: masked, kind: 'CHANGED' },
      { path: ['litellm_params', 'extra_headers', 'Authorization'], before: 'Bea****6789', after: 'Bea****6789', kind: 'CHANGED' },
      { path: ['litellm_params', 'routing', 'added'], before: null, after: true, kind: 'ADDED' },
      { path: ['litellm_params', 'routing', 'deep', 'weight'], before: 1, after: 2, kind: 'CHANGED' },
      { path: ['model_info', 'meta', 'tier'], before: 'gold', after: 'silver', kind: 'CHANGED' },
      { path: ['model_info', 'mode'], before: null, after: 'chat', kind: 'ADDED' },
    ]);
  });

  it('leaves out timestamps and updated_by unless includeBookkeeping', async () => {
    const model = await nestedModel();
    await server().graphql(PATCH_MODEL, { id: model.id, patch: { modelInfo: { mode: 'chat' } } });
    const [withoutBookkeeping] = await historyOf(server(), model.id);
    expect(withoutBookkeeping.changes.map((change: Change) => change.path)).toEqual([['model_info', 'mode']]);
    const [withBookkeeping] = await historyOf(server(), model.id, true);
    expect(byPath(withBookkeeping.changes).map((change) => change.path)).toEqual([['model_info', 'mode'], ['updated_at']]);
    expect(withBookkeeping.changes.find((change: Change) => change.path[0] === 'updated_at')).toMatchObject({ before: expect.any(String), after: expect.any(String), kind: 'CHANGED' });
  });

  it('a secret sent again unchanged is no change, though its ciphertext is new', async () => {
    const model = await nestedModel();
    await server().graphql(PATCH_MODEL, { id: model.id, patch: { litellmParams: { api_key: FIRST_KEY } } });
    const [update] = await historyOf(server(), model.id);
    expect(update.action).toBe('UPDATED');
    expect(update.changes).toEqual([]);
  });

  it('a creation lists every leaf as ADDED, a deletion every leaf as REMOVED, with a removed key shown null after', async () => {
    const model = await addModel(server(), { litellmParams: { model: 'openai/gpt-4o', api_key: FIRST_KEY, rpm: 3 } });
    await server().graphql(PATCH_MODEL, { id: model.id, patch: { litellmParams: { rpm: null } } });
    await server().graphql(DELETE_MODEL, { id: model.id });
    const [deleted, removal, created] = await historyOf(server(), model.id);
    expect(removal.changes).toEqual([{ path: ['litellm_params', 'rpm'], before: 3, after: null, kind: 'REMOVED' }]);
    expect(created.changes).toContainEqual({ path: ['litellm_params', 'api_key'], before: null, after: 'sk-****wxyz', kind: 'ADDED' });
    expect(created.changes).toContainEqual({ path: ['model_name'], before: null, after: model.modelName, kind: 'ADDED' });
    expect(created.changes.every((change: Change) => change.kind === 'ADDED')).toBe(true);
    expect(deleted.changes).toContainEqual({ path: ['litellm_params', 'model'], before: 'openai/gpt-4o', after: null, kind: 'REMOVED' });
    expect(deleted.changes.every((change: Change) => change.kind === 'REMOVED')).toBe(true);
  });

  it('no response holds a plaintext secret, with or without bookkeeping', async () => {
    const model = await nestedModel();
    await server().graphql(PATCH_MODEL, { id: model.id, patch: { litellmParams: { api_key: SECOND_KEY } } });
    for (const bookkeeping of [false, true]) {
      const body = await rawGraphql(server(), HISTORY, { id: model.id, bookkeeping });
      expect(body).toContain('sk-****wxyz');
      for (const plaintext of [FIRST_KEY, SECOND_KEY, 'first-header-0123456789']) expect(body).not.toContain(plaintext);
    }
  });

  it('modelHistory pages newest first and keeps a deleted model’s history; deletedModels pages too', async () => {
    const model = await addModel(server());
    for (const rpm of [1, 2, 3]) await server().graphql(PATCH_MODEL, { id: model.id, patch: { litellmParams: { rpm } } });
    await server().graphql(DELETE_MODEL, { id: model.id });
    const first = await server().graphql(HISTORY, { id: model.id, first: 2 });
    expect(first.data!.modelHistory).toMatchObject({ totalCount: 5, pageInfo: { hasNextPage: true } });
    const rest = await server().graphql(HISTORY, { id: model.id, first: 10, after: first.data!.modelHistory.pageInfo.endCursor });
    const actions = [...first.data!.modelHistory.edges, ...rest.data!.modelHistory.edges].map((edge: { node: { action: string } }) => edge.node.action);
    expect(actions).toEqual(['DELETED', 'UPDATED', 'UPDATED', 'UPDATED', 'CREATED']);

    const other = await addModel(server());
    await server().graphql(DELETE_MODEL, { id: other.id });
    const page = await server().graphql(DELETED, { first: 1 });
    expect(page.data!.deletedModels.edges.map((edge: { node: { objectId: string } }) => edge.node.objectId)).toEqual([other.id]);
    const next = await server().graphql(DELETED, { first: 100, after: page.data!.deletedModels.pageInfo.endCursor });
    expect(next.data!.deletedModels.edges.map((edge: { node: { objectId: string } }) => edge.node.objectId)).toContain(model.id);
  });

  it('deletedModels leaves out a model whose id is in use again', async () => {
    const model = await addModel(server());
    await server().graphql(DELETE_MODEL, { id: model.id });
    await addModel(server(), { modelInfo: { id: model.id } });
    const listed = (await server().graphql(DELETED, { first: 100 })).data!.deletedModels.edges.map((edge: { node: { objectId: string } }) => edge.node.objectId);
    expect(listed).not.toContain(model.id);
  });

  describe('access, as the audit trail', () => {
    it('a team admin sees their team’s deleted models and history only; members and other keys are refused', async () => {
      const team = await teamWithKeys(server());
      const otherTeam = await createTeam(server(), []);
      const ours = await addModel(server(), { modelInfo: { team_id: team.teamId } });
      const theirs = await addModel(server(), { modelInfo: { team_id: otherTeam } });
      for (const model of [ours, theirs]) await server().graphql(DELETE_MODEL, { id: model.id });

      const listed = (await server().graphql(DELETED, { first: 100 }, team.adminKey)).data!.deletedModels.edges.map((edge: { node: { objectId: string } }) => edge.node.objectId);
      expect(listed).toContain(ours.id);
      expect(listed).not.toContain(theirs.id);
      expect((await historyOf(server(), ours.id, false, team.adminKey)).map((entry: { action: string }) => entry.action)).toEqual(['DELETED', 'CREATED']);
      expect(await historyOf(server(), theirs.id, false, team.adminKey)).toEqual([]);

      const plainKey = (await keyWithRole(server(), 'INTERNAL_USER')).key;
      for (const key of [team.memberKey, plainKey]) {
        expectError(await server().graphql(DELETED, { first: 1 }, key), 'FORBIDDEN');
        expectError(await server().graphql(HISTORY, { id: ours.id }, key), 'FORBIDDEN');
      }
      expectError(await server().graphql(DELETED, {}, null), 'UNAUTHENTICATED');
    });
  });
});
