// Audit entries whose action this API does not know (a proxy writes more than it does, and will write more still)
// read as OTHER with their raw action, without breaking the list they are in; `action: OTHER` filters on them.
import { randomUUID } from 'node:crypto';
import { TABLES } from '../../../src/database/tables';
import { addModel } from '../../support/fixtures';
import { testDatabaseKinds } from '../../support/testDatabases';
import { serverForEachFile } from '../../support/testServer';

describe.each(testDatabaseKinds())('audit actions this API does not know, on %s', (kind) => {
  const handle = serverForEachFile(kind);

  async function insertEntry(objectId: string, action: string): Promise<string> {
    const id = randomUUID();
    await handle.server.sql(
      `insert into "${TABLES.auditLog}" (id, changed_by, action, table_name, object_id, before_value, updated_values) values (?, 'proxy-user', ?, ?, ?, null, '{"model_id": "x"}'::jsonb)`,
      [id, action, TABLES.proxyModel, objectId],
    );
    return id;
  }

  it('reads them as OTHER with actionName holding the stored string, in lists, by id and in a model’s history', async () => {
    const model = await addModel(handle.server);
    const archived = await insertEntry(model.id, 'archived');
    const response = await handle.server.graphql(
      `query ($objectId: ID!, $id: ID!, $model: ID!) {
        auditLogs(filter: { objectId: $objectId }) { totalCount edges { node { id action actionName } } }
        auditLog(id: $id) { action actionName }
        model(id: $model) { auditLogs { action actionName } }
      }`,
      { objectId: model.id, id: archived, model: model.id },
    );
    expect(response.errors).toBeUndefined();
    const nodes = response.data!.auditLogs.edges.map((edge: { node: { id: string; action: string; actionName: string } }) => edge.node);
    expect(nodes).toEqual(
      expect.arrayContaining([
        { id: archived, action: 'OTHER', actionName: 'archived' },
        { id: expect.any(String), action: 'CREATED', actionName: 'created' },
      ]),
    );
    expect(response.data!.auditLogs.totalCount).toBe(2);
    expect(response.data!.auditLog).toEqual({ action: 'OTHER', actionName: 'archived' });
    expect(response.data!.model.auditLogs).toEqual(expect.arrayContaining([{ action: 'OTHER', actionName: 'archived' }]));
  });

  it('filters with action: OTHER on every unknown action and only those; a known action filters as before', async () => {
    const model = await addModel(handle.server);
    const unknown = [await insertEntry(model.id, 'archived'), await insertEntry(model.id, 'Updated')];
    await insertEntry(model.id, 'blocked');
    const response = await handle.server.graphql(
      `query ($objectId: ID!) {
        other: auditLogs(filter: { objectId: $objectId, action: OTHER }) { edges { node { id actionName } } }
        created: auditLogs(filter: { objectId: $objectId, action: CREATED }) { totalCount }
        blocked: auditLogs(filter: { objectId: $objectId, action: BLOCKED }) { totalCount }
      }`,
      { objectId: model.id },
    );
    expect(response.errors).toBeUndefined();
    expect(response.data!.other.edges.map((edge: { node: { id: string } }) => edge.node.id).sort()).toEqual([...unknown].sort());
    expect(response.data!.created.totalCount).toBe(1);
    expect(response.data!.blocked.totalCount).toBe(1);
  });
});
