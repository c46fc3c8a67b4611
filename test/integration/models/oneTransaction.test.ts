// All writes of one mutation commit together: when a later step fails (here the team update, which the
// database is made to reject), the model row, the alias row and the audit rows written before it are gone too.
import { TABLES } from '../../../src/database/tables';
import { INTERNAL_ERROR_MESSAGE } from '../../../src/server/formatError';
import { addModel, createTeam } from '../../support/fixtures';
import { testDatabaseKinds } from '../../support/testDatabases';
import type { GraphqlResponse, TestServer } from '../../support/testServer';
import { ADD_MODEL, DELETE_MODEL, expectError, expectNothingWritten, storedModel, teamAliases, teamRow, serverOverProxySchema } from '../../support/modelApi';

/** Makes every later UPDATE of a team fail inside the database while `work` runs. */
async function whileTeamUpdatesFail<T>(server: TestServer, work: () => Promise<T>): Promise<T> {
  await server.sql(`alter table "${TABLES.team}" add constraint reject_updates check (false) not valid`);
  try {
    return await work();
  } finally {
    await server.sql(`alter table "${TABLES.team}" drop constraint reject_updates`);
  }
}

/** The generic error: no SQL, constraint name, table name or stack trace reaches the client. */
function expectGenericInternalError(response: GraphqlResponse) {
  const error = expectError(response, 'INTERNAL_SERVER_ERROR');
  expect(error.message).toBe(INTERNAL_ERROR_MESSAGE);
  expect(error.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
  expect(JSON.stringify(response)).not.toMatch(/reject_updates|LiteLLM_|update "|insert into|stacktrace|\.ts:\d+/i);
}

describe.each(testDatabaseKinds())('one transaction per mutation on %s', (kind) => {
  // Beside an older proxy, whose team models need an aliases row: one more table each change must keep consistent.
  const handle = serverOverProxySchema(kind, 'older');

  it('addModel for a team whose update fails writes no model row, no alias row and no audit row', async () => {
    const teamId = await createTeam(handle.server, []);
    const modelId = `rolled-back-${teamId}`;
    const response = await expectNothingWritten(handle.server, () =>
      whileTeamUpdatesFail(handle.server, () =>
        handle.server.graphql(ADD_MODEL, { input: { modelName: 'doomed', litellmParams: { model: 'openai/gpt-4o' }, modelInfo: { id: modelId, team_id: teamId } } }),
      ),
    );
    expectGenericInternalError(response);
    expect(await storedModel(handle.server, modelId)).toBeUndefined();
    expect(await teamRow(handle.server, teamId)).toEqual({ models: [], model_id: null });
    expect(await handle.server.sql(`select 1 from "${TABLES.auditLog}" where object_id = ?`, [modelId])).toEqual([]);
  });

  it('the same addModel succeeds once the team can be updated again', async () => {
    const teamId = await createTeam(handle.server, []);
    await whileTeamUpdatesFail(handle.server, () => handle.server.graphql(ADD_MODEL, { input: { modelName: 'retry', litellmParams: { model: 'x' }, modelInfo: { team_id: teamId } } }));
    const model = await addModel(handle.server, { modelName: 'retry', modelInfo: { team_id: teamId } });
    expect(await teamRow(handle.server, teamId)).toMatchObject({ models: ['retry'] });
    expect(await teamAliases(handle.server, teamId)).toEqual({ retry: model.modelName });
  });

  it('deleteModel of a team model whose team update fails keeps the model, its alias and its audit trail as they were', async () => {
    const teamId = await createTeam(handle.server, []);
    const model = await addModel(handle.server, { modelName: 'survivor', modelInfo: { team_id: teamId } });
    const before = await storedModel(handle.server, model.id);
    const response = await expectNothingWritten(handle.server, () => whileTeamUpdatesFail(handle.server, () => handle.server.graphql(DELETE_MODEL, { id: model.id })));
    expectGenericInternalError(response);
    expect(await storedModel(handle.server, model.id)).toEqual(before);
    expect(await teamAliases(handle.server, teamId)).toEqual({ survivor: model.modelName });
  });
});
