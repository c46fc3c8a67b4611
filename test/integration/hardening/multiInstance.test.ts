// Two server instances on one PostgreSQL, sharing nothing but the database: what one changes, the other's
// next request sees, and concurrent patches through both lose nothing.
import { TABLES } from '../../../src/database/tables';
import { addModel } from '../../support/fixtures';
import { describeOnPostgres } from '../../support/testDatabases';
import { serverForEachFile } from '../../support/testServer';

const CONCURRENT_PATCHES = 40;
const PATCH = 'mutation ($id: ID!, $p: JSON) { patchModel(id: $id, patch: { litellmParams: $p }) { id } }';
const READ = 'query ($id: ID!) { model(id: $id) { modelName litellmParams } }';

describe('an instance keeps nothing that matters in memory', () => {
  const handle = serverForEachFile('pglite');

  it('sees a change made behind its back (as another instance would make it) on its next request', async () => {
    const model = await addModel(handle.server, { modelName: 'before', litellmParams: { model: 'x/y', rpm: 1 } });
    expect((await handle.server.graphql(READ, { id: model.id })).data?.model).toMatchObject({ modelName: 'before' });

    await handle.server.sql(`update "${TABLES.proxyModel}" set model_name = 'changed elsewhere', litellm_params = litellm_params || '{"rpm": 2}' where model_id = ?`, [model.id]);
    expect((await handle.server.graphql(READ, { id: model.id })).data?.model).toMatchObject({ modelName: 'changed elsewhere', litellmParams: { rpm: 2 } });

    await handle.server.sql(`delete from "${TABLES.proxyModel}" where model_id = ?`, [model.id]);
    expect((await handle.server.graphql(READ, { id: model.id })).data?.model).toBeNull();
  });
});

describeOnPostgres('two server instances on one PostgreSQL database', () => {
  const handle = serverForEachFile('postgres', undefined, { instances: 2 });

  it('shows a change made through one instance on the next request to the other', async () => {
    const [first, second] = handle.servers;
    const model = await addModel(first, { modelName: 'shared-view', litellmParams: { model: 'x/y', rpm: 1 } });
    expect((await second.graphql(READ, { id: model.id })).data?.model).toMatchObject({ modelName: 'shared-view', litellmParams: { rpm: 1 } });

    await second.graphql('mutation ($id: ID!) { patchModel(id: $id, patch: { modelName: "renamed", litellmParams: { rpm: 2 } }) { id } }', { id: model.id });
    expect((await first.graphql(READ, { id: model.id })).data?.model).toMatchObject({ modelName: 'renamed', litellmParams: { rpm: 2 } });

    await first.graphql('mutation ($id: ID!) { deleteModel(id: $id) { id } }', { id: model.id });
    expect((await second.graphql(READ, { id: model.id })).data?.model).toBeNull();
    const history = await second.graphql('query ($id: ID!) { auditLogs(filter: { objectId: $id }) { edges { node { action } } } }', { id: model.id });
    expect(history.data?.auditLogs.edges.map((edge: any) => edge.node.action).sort()).toEqual(['CREATED', 'DELETED', 'UPDATED']);
  });

  it(`loses none of ${CONCURRENT_PATCHES} concurrent patches split across both instances`, async () => {
    const [first, second] = handle.servers;
    const model = await addModel(first, { litellmParams: { model: 'x/y' } });
    const responses = await Promise.all(
      Array.from({ length: CONCURRENT_PATCHES }, (_, i) => (i % 2 ? second : first).graphql(PATCH, { id: model.id, p: { [`field_${i}`]: i } })),
    );
    expect(responses.flatMap((response) => response.errors ?? [])).toEqual([]);

    const read = await (await first.graphql(READ, { id: model.id })).data?.model.litellmParams;
    for (let i = 0; i < CONCURRENT_PATCHES; i += 1) expect(read).toHaveProperty(`field_${i}`, i);
    const updates = await handle.database.sql(`select 1 from "${TABLES.auditLog}" where object_id = $1 and action = 'updated'`, [model.id]);
    expect(updates).toHaveLength(CONCURRENT_PATCHES);
  });
});
