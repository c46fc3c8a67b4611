// Team models exactly as the proxy stores them: `model_name_<team>_<uuid>`, team_public_model_name, the team's
// aliases row and models list; and deleteModel undoing that while no other model of the team uses the name.
import { randomUUID } from 'node:crypto';
import { TABLES } from '../../../src/database/tables';
import { addModel, createTeam } from '../../support/fixtures';
import { testDatabaseKinds } from '../../support/testDatabases';
import { serverForEachFile, type TestServer } from '../../support/testServer';
import { ADD_MODEL, DELETE_MODEL, expectError, expectNothingWritten, MODEL, storedModel, teamAliases, teamRow, serverOverProxySchema } from '../../support/modelApi';
import { rowCounts } from '../../support/storedRows';

const UUID_V4_PATTERN = '[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}';
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function addTeamModel(server: TestServer, teamId: string, publicName: string) {
  return addModel(server, { modelName: publicName, litellmParams: { model: 'openai/gpt-4o', api_key: 'sk-team-0123456789' }, modelInfo: { team_id: teamId } });
}

describe.each(testDatabaseKinds())('team models beside an older proxy, which finds them through the team aliases, on %s', (kind) => {
  const handle = serverOverProxySchema(kind, 'older');
  const deleteModel = (id: string) => handle.server.graphql(DELETE_MODEL, { id });

  it('stores the model as model_name_<team>_<uuid v4> and keeps the given name as team_public_model_name', async () => {
    const teamId = await createTeam(handle.server, []);
    const model = await addTeamModel(handle.server, teamId, 'team-gpt');
    expect(model.modelName).toMatch(new RegExp(`^model_name_${escapeRegExp(teamId)}_${UUID_V4_PATTERN}$`));
    expect(model).toMatchObject({ publicModelName: 'team-gpt', teamId, modelInfo: { id: model.id, team_id: teamId, team_public_model_name: 'team-gpt' } });
    expect(await storedModel(handle.server, model.id)).toMatchObject({
      model_name: model.modelName,
      model_info: { id: model.id, team_id: teamId, team_public_model_name: 'team-gpt' },
    });
  });

  it("creates the team's LiteLLM_ModelTable row when it has none, with the alias {given: stored}, and adds the name to team.models", async () => {
    const teamId = await createTeam(handle.server, []);
    expect(await teamRow(handle.server, teamId)).toEqual({ models: [], model_id: null });
    const model = await addTeamModel(handle.server, teamId, 'team-gpt');
    const team = await teamRow(handle.server, teamId);
    expect(team.model_id).not.toBeNull();
    expect(team.models).toEqual(['team-gpt']);
    expect(await teamAliases(handle.server, teamId)).toEqual({ 'team-gpt': model.modelName });
    const [aliasRow] = await handle.server.sql(`select created_by, updated_by from "${TABLES.teamModelAliases}" where id = ?`, [team.model_id]);
    expect(aliasRow).toEqual({ created_by: 'default_user_id', updated_by: 'default_user_id' });
  });

  it("reuses the team's aliases row and lists a public name once, however many models share it", async () => {
    const teamId = await createTeam(handle.server, []);
    const first = await addTeamModel(handle.server, teamId, 'shared');
    const { model_id: aliasRowId } = await teamRow(handle.server, teamId);
    const second = await addTeamModel(handle.server, teamId, 'shared');
    const other = await addTeamModel(handle.server, teamId, 'other');
    expect(second.modelName).not.toBe(first.modelName);
    expect(await teamRow(handle.server, teamId)).toEqual({ models: ['shared', 'other'], model_id: aliasRowId });
    expect(await teamAliases(handle.server, teamId)).toEqual({ shared: second.modelName, other: other.modelName });
  });

  it('concurrent adds to one team create one aliases row and keep every name and alias', async () => {
    const teamId = await createTeam(handle.server, []);
    const aliasRowsBefore = (await rowCounts(handle.server))[TABLES.teamModelAliases];
    const names = Array.from({ length: 8 }, (_, index) => `parallel-${index % 4}`);
    const added = await Promise.all(names.map((name) => addTeamModel(handle.server, teamId, name)));
    expect((await rowCounts(handle.server))[TABLES.teamModelAliases]).toBe(aliasRowsBefore + 1);
    const team = await teamRow(handle.server, teamId);
    expect([...team.models!].sort()).toEqual(['parallel-0', 'parallel-1', 'parallel-2', 'parallel-3']);
    const aliases = (await teamAliases(handle.server, teamId))!;
    expect(Object.keys(aliases).sort()).toEqual(['parallel-0', 'parallel-1', 'parallel-2', 'parallel-3']);
    for (const [name, storedName] of Object.entries(aliases)) {
      expect(added.filter((model) => model.publicModelName === name).map((model) => model.modelName)).toContain(storedName);
    }
  });

  it('exposes the team through Model.team', async () => {
    const teamId = await createTeam(handle.server, []);
    const model = await addTeamModel(handle.server, teamId, 'visible');
    const response = await handle.server.graphql('query ($id: ID!) { model(id: $id) { team { id models } } }', { id: model.id });
    expect(response.data?.model.team).toEqual({ id: teamId, models: ['visible'] });
  });

  it('deleteModel removes the alias and the name from team.models', async () => {
    const teamId = await createTeam(handle.server, []);
    const kept = await addTeamModel(handle.server, teamId, 'kept');
    const removed = await addTeamModel(handle.server, teamId, 'removed');
    const response = await deleteModel(removed.id);
    expect(response.data?.deleteModel).toMatchObject({ id: removed.id, model: { id: removed.id, publicModelName: 'removed' } });
    expect(await storedModel(handle.server, removed.id)).toBeUndefined();
    expect((await teamRow(handle.server, teamId)).models).toEqual(['kept']);
    expect(await teamAliases(handle.server, teamId)).toEqual({ kept: kept.modelName });
  });

  it('deleteModel keeps the name and an alias while another model of the team still uses that public name', async () => {
    const teamId = await createTeam(handle.server, []);
    const first = await addTeamModel(handle.server, teamId, 'shared');
    const second = await addTeamModel(handle.server, teamId, 'shared');

    // The alias points at the second model: deleting the first leaves it as it is.
    await deleteModel(first.id);
    expect((await teamRow(handle.server, teamId)).models).toEqual(['shared']);
    expect(await teamAliases(handle.server, teamId)).toEqual({ shared: second.modelName });

    // Deleting the model the alias points at moves the alias to the model still using the name.
    const third = await addTeamModel(handle.server, teamId, 'shared');
    await deleteModel(third.id);
    expect((await teamRow(handle.server, teamId)).models).toEqual(['shared']);
    expect(await teamAliases(handle.server, teamId)).toEqual({ shared: second.modelName });

    await deleteModel(second.id);
    expect((await teamRow(handle.server, teamId)).models).toEqual([]);
    expect(await teamAliases(handle.server, teamId)).toEqual({});
  });

  it('renaming a team model changes its public name, alias and models entry; the stored name stays', async () => {
    const teamId = await createTeam(handle.server, []);
    const model = await addTeamModel(handle.server, teamId, 'before');
    const response = await handle.server.graphql('mutation ($id: ID!) { patchModel(id: $id, patch: { modelName: "after" }) { modelName publicModelName } }', {
      id: model.id,
    });
    expect(response.data?.patchModel).toEqual({ modelName: model.modelName, publicModelName: 'after' });
    expect((await teamRow(handle.server, teamId)).models).toEqual(['after']);
    expect(await teamAliases(handle.server, teamId)).toEqual({ after: model.modelName });
  });

  it('moves models between two teams in opposite directions at once without a deadlock', async () => {
    const [teamA, teamB] = [await createTeam(handle.server, []), await createTeam(handle.server, [])];
    const move = (id: string, teamId: string) =>
      handle.server.graphql('mutation ($id: ID!, $teamId: String!) { patchModel(id: $id, patch: { modelInfo: { team_id: $teamId } }) { teamId } }', { id, teamId });
    for (let round = 0; round < 5; round++) {
      const fromA = await addTeamModel(handle.server, teamA, `from-a-${round}`);
      const fromB = await addTeamModel(handle.server, teamB, `from-b-${round}`);
      const responses = await Promise.all([move(fromA.id, teamB), move(fromB.id, teamA)]);
      expect(responses.map((response) => response.errors ?? response.data)).toEqual([{ patchModel: { teamId: teamB } }, { patchModel: { teamId: teamA } }]);
    }
    expect([...(await teamRow(handle.server, teamA)).models!].sort()).toEqual([0, 1, 2, 3, 4].map((round) => `from-b-${round}`));
    expect(Object.keys((await teamAliases(handle.server, teamB))!).sort()).toEqual([0, 1, 2, 3, 4].map((round) => `from-a-${round}`));
  });

  it('refuses a team that does not exist with BAD_USER_INPUT and writes nothing', async () => {
    const missingTeam = `no-such-team-${randomUUID()}`;
    const response = await expectNothingWritten(handle.server, () =>
      handle.server.graphql(ADD_MODEL, { input: { modelName: 'orphan', litellmParams: { model: 'openai/gpt-4o' }, modelInfo: { team_id: missingTeam } } }),
    );
    expect(expectError(response, 'BAD_USER_INPUT').message).toContain(missingTeam);
  });

  it('a deleted team model is gone from model(id)', async () => {
    const teamId = await createTeam(handle.server, []);
    const model = await addTeamModel(handle.server, teamId, 'short-lived');
    await deleteModel(model.id);
    expect((await handle.server.graphql(MODEL, { id: model.id })).data).toEqual({ model: null });
  });
});

describe.each(testDatabaseKinds())('team models beside a current proxy (a database of our own), on %s', (kind) => {
  const handle = serverForEachFile(kind);

  it("lists the public name in team.models and writes no alias: a current proxy would pin the name's traffic to the one deployment an alias names", async () => {
    const teamId = await createTeam(handle.server, []);
    const first = await addTeamModel(handle.server, teamId, 'balanced-gpt');
    await addTeamModel(handle.server, teamId, 'balanced-gpt');
    expect((await teamRow(handle.server, teamId)).models).toEqual(['balanced-gpt']);
    expect(await teamAliases(handle.server, teamId)).toBeNull();
    expect(first.publicModelName).toBe('balanced-gpt');
  });

  it('removes an alias an earlier release wrote for a deleted model, and points it at no other', async () => {
    const teamId = await createTeam(handle.server, []);
    const gone = await addTeamModel(handle.server, teamId, 'shared-name');
    await addTeamModel(handle.server, teamId, 'shared-name');
    // As the first release of this API left it: an aliases row naming the model.
    const [{ id }] = await handle.server.sql<{ id: number }>(
      `INSERT INTO "${TABLES.teamModelAliases}" (aliases, created_by, updated_by) VALUES (?::jsonb, 'earlier', 'earlier') RETURNING id`,
      [JSON.stringify({ 'shared-name': gone.modelName, other: 'kept' })],
    );
    await handle.server.sql(`UPDATE "${TABLES.team}" SET model_id = ? WHERE team_id = ?`, [id, teamId]);
    expect(errorCodesOf(await handle.server.graphql(DELETE_MODEL, { id: gone.id }))).toEqual([]);
    expect(await teamAliases(handle.server, teamId)).toEqual({ other: 'kept' });
    expect((await teamRow(handle.server, teamId)).models).toEqual(['shared-name']);
  });
});

function errorCodesOf(response: { errors?: { extensions?: { code?: string } }[] }): (string | undefined)[] {
  return (response.errors ?? []).map((error) => error.extensions?.code);
}
