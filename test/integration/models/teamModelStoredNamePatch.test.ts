// BerriAI/litellm #28382: the proxy's dashboard showed a team model's stored name (`model_name_<team>_<uuid>`) and
// saved it back with every edit, which renamed the model's public name to it and rewrote the team's names. A patch
// whose modelName is the model's own stored name leaves the public name, the team's aliases and models alone.
import { addModel, createTeam } from '../../support/fixtures';
import { testDatabaseKinds } from '../../support/testDatabases';
import { auditRowsOf } from '../../support/auditTrail';
import { PATCH_MODEL, storedModel, teamAliases, teamRow, serverOverProxySchema } from '../../support/modelApi';

describe.each(testDatabaseKinds())('a patch sending back a team model’s stored name on %s (BerriAI/litellm #28382)', (kind) => {
  // Beside an older proxy, so the team's aliases exist and can be seen to stay as they are.
  const handle = serverOverProxySchema(kind, 'older');

  async function teamModel() {
    const teamId = await createTeam(handle.server, []);
    const model = await addModel(handle.server, { modelName: 'team-gpt', modelInfo: { team_id: teamId } });
    return { teamId, model };
  }

  it('leaves the public name, the aliases and the team’s models as they are, and applies the rest of the patch', async () => {
    const { teamId, model } = await teamModel();
    const response = await handle.server.graphql(PATCH_MODEL, { id: model.id, patch: { modelName: model.modelName, litellmParams: { rpm: 10 } } });
    expect(response.errors).toBeUndefined();
    expect(response.data!.patchModel).toMatchObject({ modelName: model.modelName, publicModelName: 'team-gpt' });
    const stored = await storedModel(handle.server, model.id);
    expect(stored).toMatchObject({ model_name: model.modelName, model_info: { team_public_model_name: 'team-gpt' }, litellm_params: { rpm: 10 } });
    expect(await teamAliases(handle.server, teamId)).toEqual({ 'team-gpt': model.modelName });
    expect((await teamRow(handle.server, teamId)).models).toEqual(['team-gpt']);
  });

  it('changes nothing at all when the stored name is all the patch sends', async () => {
    const { teamId, model } = await teamModel();
    const aliasesBefore = await teamAliases(handle.server, teamId);
    const response = await handle.server.graphql(PATCH_MODEL, { id: model.id, patch: { modelName: model.modelName } });
    expect(response.errors).toBeUndefined();
    expect(response.data!.patchModel.updatedAt).toBe(model.updatedAt);
    expect((await auditRowsOf(handle.server, model.id)).map((row) => row.action)).toEqual(['created']);
    expect(await teamAliases(handle.server, teamId)).toEqual(aliasesBefore);
  });

  it('still renames the public name when the name is a real new one', async () => {
    const { teamId, model } = await teamModel();
    const response = await handle.server.graphql(PATCH_MODEL, { id: model.id, patch: { modelName: 'team-gpt-2' } });
    expect(response.errors).toBeUndefined();
    expect(response.data!.patchModel).toMatchObject({ modelName: model.modelName, publicModelName: 'team-gpt-2' });
    expect(await teamAliases(handle.server, teamId)).toEqual({ 'team-gpt-2': model.modelName });
    expect((await teamRow(handle.server, teamId)).models).toEqual(['team-gpt-2']);
  });
});
