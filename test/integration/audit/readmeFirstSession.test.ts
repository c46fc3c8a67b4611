// The README's first GraphiQL session, run block by block as written (with the ids and times its answers give),
// through to undoing a patch and undeleting the model: the queries a newcomer copies really work.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { testDatabaseKinds } from '../../support/testDatabases';
import { serverForEachFile, TEST_MASTER_KEY } from '../../support/testServer';

const readme = readFileSync(path.join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
const session = readme.slice(readme.indexOf('## A first session in GraphiQL'), readme.indexOf('## Configuration'));
const BLOCKS = [...session.matchAll(/```graphql\n([\s\S]*?)```/g)].map((match) => match[1]);

type Node = { id: string; action?: string; objectId?: string };
const nodesOf = (connection: { edges: { node: Node }[] }) => connection.edges.map((edge) => edge.node);

describe.each(testDatabaseKinds())("the README's first session on %s", (kind) => {
  const handle = serverForEachFile(kind);

  it('runs every block as written, undoing the patch and undeleting the model', async () => {
    expect(BLOCKS.length).toBeGreaterThanOrEqual(12);
    let key = TEST_MASTER_KEY;
    const values: Record<string, string> = {};
    const answers: Record<string, any>[] = [];
    for (const block of BLOCKS) {
      const query = block.replace(/<([^>]+)>/g, (placeholder, name: string) => {
        if (!(name in values)) throw new Error(`no value yet for ${placeholder} in ${block}`);
        return values[name];
      });
      const response = await handle.server.graphql(query, undefined, key);
      expect({ block, errors: response.errors }).toEqual({ block, errors: undefined });
      const data = response.data!;
      answers.push(data);
      if (data.generateKey) key = data.generateKey.key;
      if (data.addModel) values['the id'] = data.addModel.id;
      if (data.restoreModel?.updatedAt) values['the updatedAt'] = data.restoreModel.updatedAt;
      if (data.modelHistory) {
        const created = nodesOf(data.modelHistory).find((node) => node.action === 'CREATED');
        if (created) values["the CREATED entry's id"] = created.id;
      }
      if (data.deletedModels) {
        const deleted = nodesOf(data.deletedModels).find((node) => node.objectId === values['the id']);
        if (deleted) values["the DELETED entry's id"] = deleted.id;
      }
    }

    const [history] = answers.filter((data) => data.modelHistory);
    const update = history.modelHistory.edges[0].node;
    expect(update.changes).toEqual(
      expect.arrayContaining([
        { path: ['litellm_params', 'temperature'], before: null, after: 0.2, kind: 'ADDED' },
        { path: ['litellm_params', 'api_key'], before: 'sk-****cdef', after: null, kind: 'REMOVED' },
      ]),
    );
    const [undone, undeleted] = answers.filter((data) => data.restoreModel).map((data) => data.restoreModel);
    expect(undone.litellmParams).toEqual({ model: 'openai/gpt-4o', api_key: 'sk-****cdef' });
    expect(undeleted).toMatchObject({ id: values['the id'], publicModelName: 'gpt-4o', teamId: 'research', litellmParams: { api_key: 'sk-****cdef' } });
    const newest = answers.at(-1)!.modelHistory.edges[0].node;
    expect(newest).toEqual({ action: 'CREATED', restoredFrom: { id: values["the DELETED entry's id"], action: 'DELETED' } });
  });
});
