// The models connection: config models then database models, keyset-paged with opaque cursors, filtered.
import { randomUUID } from 'node:crypto';
import { TABLES } from '../../../src/database/tables';
import { MAX_PAGE_SIZE } from '../../../src/graphql/connection';
import { addModel, createTeam } from '../../support/fixtures';
import { testDatabaseKinds } from '../../support/testDatabases';
import { expectError, MODELS, writeConfigFile } from '../../support/modelApi';
import { errorCodes, serverForEachFile } from '../../support/testServer';

const CONFIG_NAMES = ['cfg-one', 'cfg-two', 'cfg-three'];

const CONFIG_YAML = `model_list:\n${CONFIG_NAMES.map((name) => `  - model_name: ${name}\n    litellm_params:\n      model: openai/${name}\n`).join('')}`;

const cursorOf = (position: unknown) => Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');

describe.each(testDatabaseKinds())('the models connection on %s', (kind) => {
  const handle = serverForEachFile(kind, () => ({ configFile: writeConfigFile(CONFIG_YAML) }));
  const models = (variables: Record<string, unknown>) => handle.server.graphql(MODELS, variables);
  const idsOf = (response: Awaited<ReturnType<typeof models>>): string[] => response.data?.models.edges.map((edge: any) => edge.node.id);

  let teamA: string;
  let teamB: string;
  const created: Record<string, string> = {};
  beforeAll(async () => {
    teamA = await createTeam(handle.server, []);
    teamB = await createTeam(handle.server, []);
    for (const name of ['db-0', 'db-1', 'discount-100%-off', 'discount-1000-off', 'x_y-model', 'xAy-model']) {
      created[name] = (await addModel(handle.server, { modelName: name })).id;
    }
    created['Shared-Llama'] = (await addModel(handle.server, { modelName: 'Shared-Llama', modelInfo: { team_id: teamA } })).id;
    created['team-a-second'] = (await addModel(handle.server, { modelName: 'team-a-second', modelInfo: { team_id: teamA } })).id;
    created['team-b-model'] = (await addModel(handle.server, { modelName: 'team-b-model', modelInfo: { team_id: teamB } })).id;
    // Rows sharing one created_at (a proxy writing in bulk): the keyset must still order and page them.
    for (const suffix of ['c', 'a', 'b']) {
      await handle.server.sql(
        `insert into "${TABLES.proxyModel}" (model_id, model_name, litellm_params, model_info, created_at, created_by, updated_by)
         values (?, ?, '{"model": "x"}'::jsonb, '{}'::jsonb, '2030-01-01 00:00:00.000', 'proxy', 'proxy')`,
        [`same-time-${suffix}`, `same-time-${suffix}`],
      );
    }
  });

  it('pages with first/after over every model exactly once, config models first, then by created_at and id', async () => {
    const stored = await handle.server.sql<{ model_id: string }>(`select model_id from "${TABLES.proxyModel}" order by created_at, model_id`);
    const configIds = idsOf(await models({ filter: { source: 'CONFIG' } }));
    const expected = [...configIds, ...stored.map((row) => row.model_id)];
    expect(expected).toHaveLength(15);
    expect(expected.slice(-3)).toEqual(['same-time-a', 'same-time-b', 'same-time-c']);

    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const response = await models({ first: 2, after });
      expect(response.errors).toBeUndefined();
      const connection = response.data!.models;
      expect(connection.totalCount).toBe(expected.length);
      seen.push(...idsOf(response));
      pages += 1;
      expect(connection.pageInfo.endCursor).toBe(connection.edges.at(-1)?.cursor ?? null);
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    expect(pages).toBe(8);
    expect(seen).toEqual(expected);
  });

  it('pages from any edge cursor, not only endCursor', async () => {
    const all = (await models({ first: 100 })).data!.models.edges;
    const fromThird = await models({ first: 3, after: all[2].cursor });
    expect(idsOf(fromThird)).toEqual(all.slice(3, 6).map((edge: any) => edge.node.id));
  });

  it('answers an empty last page with hasNextPage false', async () => {
    const all = (await models({ first: 100 })).data!.models;
    const past = await models({ first: 5, after: all.pageInfo.endCursor });
    expect(past.data?.models).toMatchObject({ edges: [], pageInfo: { hasNextPage: false, endCursor: null }, totalCount: all.totalCount });
  });

  it(`refuses first above ${MAX_PAGE_SIZE} or below 0 with BAD_USER_INPUT`, async () => {
    expect(expectError(await models({ first: MAX_PAGE_SIZE + 1 }), 'BAD_USER_INPUT').message).toContain(String(MAX_PAGE_SIZE));
    expectError(await models({ first: -1 }), 'BAD_USER_INPUT');
    expect((await models({ first: MAX_PAGE_SIZE })).errors).toBeUndefined();
  });

  it.each([
    ['not base64 JSON at all', 'not-a-cursor!'],
    ['JSON of the wrong shape', cursorOf(['config', 1])],
    ['a negative config position', cursorOf({ config: -1 })],
    ['a fractional config position', cursorOf({ config: 1.5 })],
    ['a date that is not one', cursorOf({ createdAt: 'yesterday', id: 'x' })],
    ['a date beyond what the column holds', cursorOf({ createdAt: '+275760-09-13T00:00:00.000Z', id: 'x' })],
    ['an id with a NUL character', cursorOf({ createdAt: '2030-01-01T00:00:00.000Z', id: 'x\u0000' })],
    ['an id that is not a string', cursorOf({ createdAt: '2030-01-01T00:00:00.000Z', id: 7 })],
  ])('refuses a forged cursor (%s) with BAD_USER_INPUT', async (_case, after) => {
    expectError(await models({ after }), 'BAD_USER_INPUT');
  });

  it.each([
    ['modelName', { modelName: 'a\u0000b' }],
    ['teamId', { teamId: 'team\u0000' }],
  ])('refuses a NUL character in the %s filter with BAD_USER_INPUT', async (_field, filter) => {
    expectError(await models({ filter }), 'BAD_USER_INPUT');
  });

  it.each([
    ['a NUL character', 'model\u0000'],
    ['an empty id', ''],
  ])('answers model(id) with %s without an internal error', async (_case, id) => {
    const response = await handle.server.graphql('query ($id: ID!) { model(id: $id) { id } }', { id });
    expect(errorCodes(response)).not.toContain('INTERNAL_SERVER_ERROR');
    expect(response.data?.model ?? null).toBeNull();
  });

  it('filters by a case-insensitive substring of the model name, config models included', async () => {
    expect(idsOf(await models({ filter: { modelName: 'DB-' } }))).toEqual([created['db-0'], created['db-1']]);
    const config = await models({ filter: { modelName: 'CFG-T' } });
    expect(config.data?.models.edges.map((edge: any) => edge.node.modelName)).toEqual(['cfg-two', 'cfg-three']);
    expect(config.data?.models.totalCount).toBe(2);
  });

  it('matches the public name of team models, not only the stored model_name_<team>_<uuid>', async () => {
    const response = await models({ filter: { modelName: 'shared-LLAMA' } });
    expect(response.data?.models).toMatchObject({ totalCount: 1, edges: [{ node: { id: created['Shared-Llama'], publicModelName: 'Shared-Llama' } }] });
    expect(response.data?.models.edges[0].node.modelName).toMatch(/^model_name_/);
  });

  it('matches the name clients see, never the random uuid inside a team model\'s stored name', async () => {
    expect(idsOf(await models({ filter: { modelName: 'model_name_' } }))).toEqual([]);
  });

  it('takes % and _ in the name filter literally', async () => {
    expect(idsOf(await models({ filter: { modelName: '100%' } }))).toEqual([created['discount-100%-off']]);
    expect(idsOf(await models({ filter: { modelName: 'x_y' } }))).toEqual([created['x_y-model']]);
  });

  it("filters by teamId: only that team's models, with their count", async () => {
    const response = await models({ filter: { teamId: teamA } });
    expect(response.data?.models.totalCount).toBe(2);
    expect(idsOf(response)).toEqual([created['Shared-Llama'], created['team-a-second']]);
    expect(idsOf(await models({ filter: { teamId: teamB, modelName: 'team-b' } }))).toEqual([created['team-b-model']]);
    expect((await models({ filter: { teamId: `no-team-${randomUUID()}` } })).data?.models).toMatchObject({ totalCount: 0, edges: [] });
  });
});
