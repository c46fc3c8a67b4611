// One rule, one answer: whichever way a caller reaches a model, `model(id)`, `models`, `auditLogs`, `auditLog(id)` and
// `AuditLog.model` agree on what it may see, also over rows whose model_info is odd (a team_id that is a number or
// empty, text that is not JSON, an older proxy's JSON-encoded string). A model whose team cannot be determined is for
// proxy admins and viewers only.
import { TABLES } from '../../../src/database/tables';
import { keyWithRole, teamWithKeys } from '../../support/fixtures';
import { testDatabaseKinds } from '../../support/testDatabases';
import { serverForEachFile, TEST_MASTER_KEY } from '../../support/testServer';

type Caller = 'proxyAdmin' | 'viewer' | 'teamAdminA' | 'memberA' | 'noTeamUser' | 'teamAdminB';

/** model_info of each seeded model, as SQL (team ids filled in once the teams exist). */
function seededModels(teamA: string, teamB: string): Record<string, string> {
  return {
    'of-team-a': `jsonb_build_object('team_id', '${teamA}')`,
    'of-team-b': `jsonb_build_object('team_id', '${teamB}')`,
    'of-no-team': `'{}'::jsonb`,
    'encoded-team-a': `to_jsonb(jsonb_build_object('team_id', '${teamA}')::text)`,
    'team-id-number': `'{"team_id": 7}'::jsonb`,
    'team-id-empty': `'{"team_id": ""}'::jsonb`,
    'not-json': `to_jsonb('not json'::text)`,
    'a-list': `'["${teamA}"]'::jsonb`,
  };
}

const EVERY_MODEL = Object.keys(seededModels('a', 'b'));

/** What each caller sees of the seeded models, and of their audit entries. */
const EXPECTED: Record<Caller, { models: string[]; audit: string[] | 'FORBIDDEN' }> = {
  proxyAdmin: { models: EVERY_MODEL, audit: EVERY_MODEL },
  viewer: { models: EVERY_MODEL, audit: EVERY_MODEL },
  teamAdminA: { models: ['of-team-a', 'of-no-team', 'encoded-team-a'], audit: ['of-team-a', 'encoded-team-a'] },
  memberA: { models: ['of-team-a', 'of-no-team', 'encoded-team-a'], audit: 'FORBIDDEN' },
  noTeamUser: { models: ['of-no-team'], audit: 'FORBIDDEN' },
  teamAdminB: { models: ['of-team-b', 'of-no-team'], audit: ['of-team-b'] },
};

describe.each(testDatabaseKinds())('the same rows through every read, on %s', (kind) => {
  const handle = serverForEachFile(kind);
  const keys = {} as Record<Caller, string>;
  const auditIds: Record<string, string> = {};

  beforeAll(async () => {
    const { server } = handle;
    const teamA = await teamWithKeys(server);
    const teamB = await teamWithKeys(server);
    Object.assign(keys, {
      proxyAdmin: TEST_MASTER_KEY,
      viewer: (await keyWithRole(server, 'PROXY_ADMIN_VIEWER')).key,
      teamAdminA: teamA.adminKey,
      memberA: teamA.memberKey,
      noTeamUser: (await keyWithRole(server, 'INTERNAL_USER')).key,
      teamAdminB: teamB.adminKey,
    });
    for (const [id, modelInfo] of Object.entries(seededModels(teamA.teamId, teamB.teamId))) {
      await server.sql(
        `INSERT INTO "${TABLES.proxyModel}" (model_id, model_name, litellm_params, model_info, created_by, updated_by)
         VALUES ('${id}', '${id}', '{"model": "openai/gpt-4o"}', ${modelInfo}, 'proxy', 'proxy')`,
      );
      auditIds[id] = `audit-of-${id}`;
      await server.sql(
        `INSERT INTO "${TABLES.auditLog}" (id, action, table_name, object_id, updated_values)
         VALUES ('${auditIds[id]}', 'created', '${TABLES.proxyModel}', '${id}', jsonb_build_object('model_id', '${id}', 'model_info', ${modelInfo}))`,
      );
    }
  });

  const callers = Object.keys(EXPECTED) as Caller[];

  it.each(callers)('%s sees the same models through model(id) and models', async (caller) => {
    const { server } = handle;
    const byId: string[] = [];
    for (const id of EVERY_MODEL) {
      const response = await server.graphql<{ model: { id: string } | null }>('query ($id: ID!) { model(id: $id) { id } }', { id }, keys[caller]);
      expect(response.errors).toBeUndefined();
      if (response.data!.model) byId.push(id);
    }
    const listed = await server.graphql<{ models: { edges: { node: { id: string } }[]; totalCount: number } }>(
      '{ models(first: 100) { totalCount edges { node { id } } } }',
      {},
      keys[caller],
    );
    expect(listed.errors).toBeUndefined();
    const listedIds = listed.data!.models.edges.map((edge) => edge.node.id).filter((id) => EVERY_MODEL.includes(id));
    expect(byId.sort()).toEqual([...EXPECTED[caller].models].sort());
    expect(listedIds.sort()).toEqual([...EXPECTED[caller].models].sort());
  });

  it.each(callers)('%s sees the same audit entries through auditLogs, auditLog(id) and AuditLog.model', async (caller) => {
    const { server } = handle;
    const expected = EXPECTED[caller].audit;
    const listed = await server.graphql<{ auditLogs: { edges: { node: { objectId: string; model: { id: string } | null } }[] } }>(
      `{ auditLogs(first: 100, filter: { tableName: "${TABLES.proxyModel}" }) { edges { node { objectId model { id } } } } }`,
      {},
      keys[caller],
    );
    if (expected === 'FORBIDDEN') {
      expect(listed.errors?.[0].extensions?.code).toBe('FORBIDDEN');
      return;
    }
    expect(listed.errors).toBeUndefined();
    const nodes = listed.data!.auditLogs.edges.map((edge) => edge.node).filter((node) => EVERY_MODEL.includes(node.objectId));
    expect(nodes.map((node) => node.objectId).sort()).toEqual([...expected].sort());
    // AuditLog.model shows a model exactly where model(id) would.
    for (const node of nodes) expect(node.model === null ? null : node.model.id).toBe(EXPECTED[caller].models.includes(node.objectId) ? node.objectId : null);
    for (const id of EVERY_MODEL) {
      const single = await server.graphql<{ auditLog: { objectId: string } | null }>('query ($id: ID!) { auditLog(id: $id) { objectId } }', { id: auditIds[id] }, keys[caller]);
      expect(single.errors).toBeUndefined();
      expect(single.data!.auditLog !== null).toBe(expected.includes(id));
    }
  });
});
