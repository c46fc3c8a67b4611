// Attempts to get around the access rules: aliases, fragments, nested paths, another team's model by id,
// moving a model between teams, viewers, several mutations in one document. None may succeed, and no
// answer may tell a hidden model from a missing one.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TABLES } from '../../../src/database/tables';
import { addModel, createTeam, createUser, generateKey, keyWithRole, teamWithKeys } from '../../support/fixtures';
import { testDatabaseKinds } from '../../support/testDatabases';
import { errorCodes, serverForEachFile, TEST_MASTER_KEY, type GraphqlResponse } from '../../support/testServer';

const PROVIDER_SECRET = 'sk-provider-secret-0123456789';
/** Team B's id is fixed so the config file can hold one of its models. */
const TEAM_B = 'bypass-team-b';
const CONFIG_MODEL_OF_B = 'config-model-of-team-b';

function writeConfigFile(): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'mag-bypass-')), 'config.yaml');
  writeFileSync(
    file,
    [
      'model_list:',
      '  - model_name: team-b-config-model',
      '    litellm_params: { model: openai/gpt-4o, api_key: sk-config-secret-0123456789 }',
      `    model_info: { id: ${CONFIG_MODEL_OF_B}, team_id: ${TEAM_B} }`,
    ].join('\n'),
  );
  return file;
}

/** The error for `id`, with the id itself blanked, to compare answers about two different ids. */
function errorWithoutId(response: GraphqlResponse, id: string) {
  expect(response.errors).toHaveLength(1);
  const [{ message, extensions, path: errorPath }] = response.errors!;
  return { message: message.split(id).join('<id>'), code: extensions?.code, path: errorPath };
}

describe.each(testDatabaseKinds())('bypass attempts on %s', (kind) => {
  const handle = serverForEachFile(kind, () => ({ configFile: writeConfigFile() }));
  let teamA: Awaited<ReturnType<typeof teamWithKeys>>;
  let teamBAdminKey: string;
  let viewerKey: string;

  beforeAll(async () => {
    teamA = await teamWithKeys(handle.server);
    const teamBAdmin = await createUser(handle.server);
    await createTeam(handle.server, [{ userId: teamBAdmin, role: 'ADMIN' }], TEAM_B);
    teamBAdminKey = (await generateKey(handle.server, teamBAdmin, TEAM_B)).key;
    viewerKey = (await keyWithRole(handle.server, 'PROXY_ADMIN_VIEWER')).key;
  });
  const secretParams = { model: 'openai/gpt-4o', api_key: PROVIDER_SECRET };
  const noTeamModel = () => addModel(handle.server, { litellmParams: secretParams });
  const modelOf = (teamId: string) => addModel(handle.server, { litellmParams: secretParams, modelInfo: { team_id: teamId } });

  /** Everything a refused mutation must leave as it was: the model and both teams' model lists. */
  async function state(id: string) {
    const model = await handle.server.graphql('query ($id: ID!) { model(id: $id) { id modelName publicModelName teamId litellmParams modelInfo updatedAt } }', { id });
    const teams = await handle.server.sql(`SELECT team_id, models FROM "${TABLES.team}" WHERE team_id IN (?, ?) ORDER BY team_id`, [teamA.teamId, TEAM_B]);
    return { model: model.data?.model, teams };
  }

  describe('field rules hold on every path to Model.litellmParams', () => {
    it('through aliases', async () => {
      const model = await noTeamModel();
      const response = await handle.server.graphql(
        'query ($id: ID!) { a: model(id: $id) { x: litellmParams } b: model(id: $id) { id y: litellmParams } }',
        { id: model.id },
        teamA.memberKey,
      );
      expect(response.data).toEqual({ a: { x: null }, b: { id: model.id, y: null } });
      // The two root fields resolve concurrently: GraphQL leaves the order of their errors open.
      const errors = response.errors?.map((error) => [error.path, error.extensions?.code]).sort((left, right) => JSON.stringify(left).localeCompare(JSON.stringify(right)));
      expect(errors).toEqual([
        [['a', 'x'], 'FORBIDDEN'],
        [['b', 'y'], 'FORBIDDEN'],
      ]);
    });

    it.each([
      ['a named fragment', 'query ($id: ID!) { model(id: $id) { ...Secrets } } fragment Secrets on Model { id litellmParams }'],
      ['an inline fragment', 'query ($id: ID!) { model(id: $id) { ... on Model { id litellmParams } } }'],
      ['nested fragments', 'query ($id: ID!) { model(id: $id) { ...Outer } } fragment Outer on Model { id ...Inner } fragment Inner on Model { litellmParams }'],
      ['@include(if: true)', 'query ($id: ID!) { model(id: $id) { id litellmParams @include(if: true) } }'],
    ])('through %s', async (_path, query) => {
      const model = await noTeamModel();
      const response = await handle.server.graphql(query, { id: model.id }, teamA.adminKey);
      expect(response.data).toEqual({ model: { id: model.id, litellmParams: null } });
      expect(response.errors).toHaveLength(1);
      expect(response.errors![0]).toMatchObject({ path: ['model', 'litellmParams'], extensions: { code: 'FORBIDDEN' } });
    });

    it('through models { edges { node { litellmParams } } }: refused on no-team models, given on its team, other teams absent', async () => {
      const mine = await modelOf(teamA.teamId);
      const shared = await noTeamModel();
      const theirs = await modelOf(TEAM_B);
      const response = await handle.server.graphql<{ models: { totalCount: number; edges: { node: { id: string; teamId: string | null; litellmParams: unknown } }[] } }>(
        '{ models(first: 100) { totalCount edges { node { id teamId litellmParams } } } }',
        undefined,
        teamA.memberKey,
      );
      const nodes = response.data!.models.edges.map((edge) => edge.node);
      const ids = nodes.map((node) => node.id);
      expect(ids).toEqual(expect.arrayContaining([mine.id, shared.id]));
      expect(ids).not.toContain(theirs.id);
      expect(ids).not.toContain(CONFIG_MODEL_OF_B);
      expect(nodes.every((node) => node.teamId === null || node.teamId === teamA.teamId)).toBe(true);
      expect(response.data!.models.totalCount).toBe(nodes.length);

      expect(nodes.find((node) => node.id === mine.id)!.litellmParams).toMatchObject({ model: 'openai/gpt-4o' });
      const refused = nodes.flatMap((node, index) => (node.teamId === null ? [['models', 'edges', index, 'node', 'litellmParams']] : []));
      expect(response.errors?.map((error) => error.path)).toEqual(refused);
      expect(new Set(errorCodes(response))).toEqual(new Set(['FORBIDDEN']));
      expect(nodes.filter((node) => node.teamId === null).every((node) => node.litellmParams === null)).toBe(true);
      expect(JSON.stringify(response)).not.toContain(PROVIDER_SECRET);
    });

    it('through the deleteModel payload: its own team admin reads the masked params, no secret in clear', async () => {
      const mine = await modelOf(teamA.teamId);
      const response = await handle.server.graphql(
        'mutation ($id: ID!) { deleteModel(id: $id) { model { id litellmParams } } }',
        { id: mine.id },
        teamA.adminKey,
      );
      expect(response.errors).toBeUndefined();
      expect(response.data!.deleteModel.model.litellmParams).toMatchObject({ model: 'openai/gpt-4o' });
      expect(JSON.stringify(response)).not.toContain(PROVIDER_SECRET);
    });

    it('through a mutation payload: a proxy admin viewer reading one is refused before anything runs', async () => {
      const model = await noTeamModel();
      const before = await state(model.id);
      const response = await handle.server.graphql('mutation ($id: ID!) { deleteModel(id: $id) { model { litellmParams } } }', { id: model.id }, viewerKey);
      expect(response.data).toBeNull();
      expect(errorCodes(response)).toEqual(['FORBIDDEN']);
      expect(await state(model.id)).toEqual(before);
    });
  });

  describe("a key of team A acting on team B's model by id finds nothing, exactly as for a missing id", () => {
    const missingId = () => `missing-${randomUUID()}`;

    it('model(id) is null, and models with filter teamId B is empty', async () => {
      const theirs = await modelOf(TEAM_B);
      for (const id of [theirs.id, CONFIG_MODEL_OF_B]) {
        const response = await handle.server.graphql('query ($id: ID!) { model(id: $id) { id } }', { id }, teamA.adminKey);
        expect(response).toEqual({ status: 200, data: { model: null } });
      }
      const listed = await handle.server.graphql(`{ models(filter: { teamId: "${TEAM_B}" }) { totalCount edges { node { id } } } }`, undefined, teamA.adminKey);
      expect(listed.data).toEqual({ models: { totalCount: 0, edges: [] } });
    });

    it.each([
      ['updateModel', 'mutation ($id: ID!) { updateModel(input: { id: $id, litellmParams: { api_base: "https://evil.example" } }) { id } }'],
      ['patchModel', 'mutation ($id: ID!) { patchModel(id: $id, patch: { modelName: "stolen" }) { id } }'],
      ['patchModel moving it to team A', `mutation ($id: ID!, $team: String!) { patchModel(id: $id, patch: { modelInfo: { team_id: $team } }) { id } }`],
      ['deleteModel', 'mutation ($id: ID!) { deleteModel(id: $id) { id } }'],
    ])('%s by team A’s admin: NOT_FOUND, same message as a random id, nothing changed', async (_mutation, mutation) => {
      const theirs = await modelOf(TEAM_B);
      const before = await state(theirs.id);
      const hidden = await handle.server.graphql(mutation, { id: theirs.id, team: teamA.teamId }, teamA.adminKey);
      const missing = missingId();
      const absent = await handle.server.graphql(mutation, { id: missing, team: teamA.teamId }, teamA.adminKey);
      expect(errorWithoutId(hidden, theirs.id)).toEqual(errorWithoutId(absent, missing));
      expect(errorCodes(hidden)).toEqual(['NOT_FOUND']);
      expect(hidden.data).toEqual(absent.data);
      expect(await state(theirs.id)).toEqual(before);
    });

    it('by team A’s plain member: FORBIDDEN, same message as a random id', async () => {
      const theirs = await modelOf(TEAM_B);
      const mutation = 'mutation ($id: ID!) { deleteModel(id: $id) { id } }';
      const hidden = await handle.server.graphql(mutation, { id: theirs.id }, teamA.memberKey);
      const missing = missingId();
      expect(errorWithoutId(hidden, theirs.id)).toEqual(errorWithoutId(await handle.server.graphql(mutation, { id: missing }, teamA.memberKey), missing));
      expect(errorCodes(hidden)).toEqual(['FORBIDDEN']);
      expect((await state(theirs.id)).model).not.toBeNull();
    });

    it("on team B's config-file model: NOT_FOUND like a random id, not the config file's read-only error", async () => {
      const mutation = 'mutation ($id: ID!) { patchModel(id: $id, patch: { modelName: "x" }) { id } }';
      const hidden = await handle.server.graphql(mutation, { id: CONFIG_MODEL_OF_B }, teamA.adminKey);
      const missing = missingId();
      expect(errorWithoutId(hidden, CONFIG_MODEL_OF_B)).toEqual(errorWithoutId(await handle.server.graphql(mutation, { id: missing }, teamA.adminKey), missing));
      expect(errorCodes(await handle.server.graphql(mutation, { id: CONFIG_MODEL_OF_B }, teamBAdminKey))).toEqual(['BAD_USER_INPUT']);
    });

    it('without a key, a hidden id and a random id get the same UNAUTHENTICATED answer', async () => {
      const theirs = await modelOf(TEAM_B);
      const mutation = 'mutation ($id: ID!) { deleteModel(id: $id) { id } }';
      const missing = missingId();
      const hidden = await handle.server.graphql(mutation, { id: theirs.id }, null);
      expect(errorWithoutId(hidden, theirs.id)).toEqual(errorWithoutId(await handle.server.graphql(mutation, { id: missing }, null), missing));
      expect(errorCodes(hidden)).toEqual(['UNAUTHENTICATED']);
    });
  });

  describe('a team admin keeps its models in its team', () => {
    it.each([
      ['to another team', (): unknown => TEAM_B],
      ['to a team that does not exist', (): unknown => `no-such-team-${randomUUID()}`],
      ['out of any team (team_id: null)', (): unknown => null],
    ])('moving its model %s is FORBIDDEN and changes nothing', async (_where, target) => {
      const mine = await modelOf(teamA.teamId);
      const before = await state(mine.id);
      const response = await handle.server.graphql(
        'mutation ($id: ID!, $info: JSON!) { patchModel(id: $id, patch: { modelInfo: $info, modelName: "moved" }) { id teamId } }',
        { id: mine.id, info: { team_id: target() } },
        teamA.adminKey,
      );
      expect(response.data).toBeNull();
      expect(errorCodes(response)).toEqual(['FORBIDDEN']);
      expect(await state(mine.id)).toEqual(before);
    });

    it.each([
      ['another team', { team_id: TEAM_B }],
      ['no team', {}],
    ])('adding a model to %s is FORBIDDEN and creates nothing', async (_where, modelInfo) => {
      const id = `bypass-${randomUUID()}`;
      const response = await handle.server.graphql(
        'mutation ($input: AddModelInput!) { addModel(input: $input) { id } }',
        { input: { modelName: 'sneaky', litellmParams: secretParams, modelInfo: { ...modelInfo, id } } },
        teamA.adminKey,
      );
      expect(errorCodes(response)).toEqual(['FORBIDDEN']);
      expect((await state(id)).model).toBeNull();
    });
  });

  describe('viewers never mutate', () => {
    it.each([
      ['PROXY_ADMIN_VIEWER', 'PROXY_ADMIN_VIEWER'],
      ['INTERNAL_USER_VIEWER', 'INTERNAL_USER_VIEWER'],
    ])('not even a %s who is admin of the team that owns the model', async (_role, role) => {
      const viewerAdmin = await createUser(handle.server, role);
      const teamId = await createTeam(handle.server, [{ userId: viewerAdmin, role: 'ADMIN' }]);
      const { key } = await generateKey(handle.server, viewerAdmin, teamId);
      const model = await modelOf(teamId);
      const before = await state(model.id);
      const mutations = [
        ['updateModel', 'mutation ($id: ID!) { updateModel(input: { id: $id, litellmParams: { rpm: 1 } }) { id } }'],
        ['patchModel', 'mutation ($id: ID!) { patchModel(id: $id, patch: { modelName: "v" }) { id } }'],
        ['deleteModel', 'mutation ($id: ID!) { deleteModel(id: $id) { id } }'],
      ];
      for (const [, mutation] of mutations) expect(errorCodes(await handle.server.graphql(mutation, { id: model.id }, key))).toEqual(['FORBIDDEN']);
      const add = await handle.server.graphql(
        'mutation ($input: AddModelInput!) { addModel(input: $input) { id } }',
        { input: { modelName: 'v', litellmParams: secretParams, modelInfo: { team_id: teamId } } },
        key,
      );
      expect(errorCodes(add)).toEqual(['FORBIDDEN']);
      expect(await state(model.id)).toEqual(before);
      // Reading its team's models is still allowed.
      const read = await handle.server.graphql('query ($id: ID!) { model(id: $id) { litellmParams } }', { id: model.id }, key);
      expect(read.errors).toBeUndefined();
    });

    it('a proxy admin viewer is FORBIDDEN every mutation', async () => {
      const model = await noTeamModel();
      const before = await state(model.id);
      const userId = await createUser(handle.server);
      const mutations: [string, Record<string, unknown>][] = [
        ['mutation ($input: AddModelInput!) { addModel(input: $input) { id } }', { input: { modelName: 'v', litellmParams: secretParams } }],
        ['mutation ($id: ID!) { updateModel(input: { id: $id, litellmParams: { rpm: 1 } }) { id } }', { id: model.id }],
        ['mutation ($id: ID!) { patchModel(id: $id, patch: { modelName: "v" }) { id } }', { id: model.id }],
        ['mutation ($id: ID!) { deleteModel(id: $id) { id } }', { id: model.id }],
        ['mutation { createUser(input: { userRole: PROXY_ADMIN }) { id } }', {}],
        ['mutation { createTeam(input: { teamAlias: "v" }) { id } }', {}],
        ['mutation ($user: ID!) { generateKey(input: { userId: $user }) { key } }', { user: userId }],
      ];
      for (const [mutation, variables] of mutations) expect(errorCodes(await handle.server.graphql(mutation, variables, viewerKey))).toEqual(['FORBIDDEN']);
      expect(await state(model.id)).toEqual(before);
    });
  });

  describe('several mutations in one document are each checked', () => {
    it('aliased deletes by a team admin: its own model goes, the no-team and the hidden one stay', async () => {
      const mine = await modelOf(teamA.teamId);
      const shared = await noTeamModel();
      const theirs = await modelOf(TEAM_B);
      const ids: Record<string, string> = { mine: mine.id, shared: shared.id, theirs: theirs.id };
      const deleteAll = (order: string[]) =>
        handle.server.graphql(
          `mutation (${order.map((alias) => `$${alias}: ID!`).join(', ')}) { ${order.map((alias) => `${alias}: deleteModel(id: $${alias}) { id }`).join(' ')} }`,
          Object.fromEntries(order.map((alias) => [alias, ids[alias]])),
          teamA.adminKey,
        );
      // Mutation fields are non-null and run one after the other: the first refusal nulls `data` and stops the rest.
      const first = await deleteAll(['mine', 'shared', 'theirs']);
      expect(first.data).toBeNull();
      expect(first.errors?.map((error) => [error.path, error.extensions?.code])).toEqual([[['shared'], 'FORBIDDEN']]);
      const second = await deleteAll(['theirs', 'shared']);
      expect(second.errors?.map((error) => [error.path, error.extensions?.code])).toEqual([[['theirs'], 'NOT_FOUND']]);

      expect((await state(mine.id)).model).toBeNull();
      expect((await state(shared.id)).model).not.toBeNull();
      expect((await state(theirs.id)).model).not.toBeNull();
    });

    it('a refused admin mutation beside an allowed model mutation does not run', async () => {
      const mine = await modelOf(teamA.teamId);
      const userId = `bypass-user-${randomUUID()}`;
      const response = await handle.server.graphql(
        'mutation ($id: ID!, $user: ID!) { patchModel(id: $id, patch: { modelName: "ok" }) { id } createUser(input: { userId: $user, userRole: PROXY_ADMIN }) { id } }',
        { id: mine.id, user: userId },
        teamA.adminKey,
      );
      expect(response.errors?.map((error) => [error.path, error.extensions?.code])).toEqual([[['createUser'], 'FORBIDDEN']]);
      expect((await state(mine.id)).model.publicModelName).toBe('ok');
      expect(await handle.server.sql(`SELECT user_id FROM "${TABLES.user}" WHERE user_id = ?`, [userId])).toEqual([]);
    });

    it('an HTTP batch (a JSON array of operations) is not a way around the checks', async () => {
      const model = await noTeamModel();
      const before = await state(model.id);
      const body = [
        { query: '{ me { role } }' },
        { query: 'mutation ($id: ID!) { deleteModel(id: $id) { id } }', variables: { id: model.id } },
      ];
      const response = await fetch(`${handle.server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${teamA.memberKey}` },
        body: JSON.stringify(body),
      });
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(await state(model.id)).toEqual(before);
    });
  });

  it('the master key still does all of it (the refusals above are the rules, not breakage)', async () => {
    const theirs = await modelOf(TEAM_B);
    const response = await handle.server.graphql(
      'mutation ($id: ID!, $team: JSON!) { patchModel(id: $id, patch: { modelInfo: $team }) { teamId litellmParams } }',
      { id: theirs.id, team: { team_id: teamA.teamId } },
      TEST_MASTER_KEY,
    );
    expect(response.errors).toBeUndefined();
    expect(response.data!.patchModel.teamId).toBe(teamA.teamId);
  });
});
