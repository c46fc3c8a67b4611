// Who may read the audit trail (SPEC.md, "Who may do what"), through HTTP the way a client asks:
// auditLogs, auditLog and Model.auditLogs by role, AuditLog.changedByApiKey for proxy admins only, and
// no path through AuditLog.model that shows a team admin another team's model.
import { randomUUID } from 'node:crypto';
import { hashApiKey } from '../../../src/crypto/hashApiKey';
import { maskSecret } from '../../../src/crypto/maskSecrets';
import { TABLES } from '../../../src/database/tables';
import { insertLegacyAuditRow } from '../../support/auditTrail';
import { addModel, keyWithRole, teamWithKeys } from '../../support/fixtures';
import { testDatabaseKinds } from '../../support/testDatabases';
import { errorCodes, serverForEachFile, TEST_MASTER_KEY } from '../../support/testServer';

const PROVIDER_SECRET = 'sk-provider-secret-0123456789abcdef';

const ALL_ENTRIES = `query { auditLogs(first: 100) { totalCount edges { node { id action objectId tableName } } } }`;

type Team = Awaited<ReturnType<typeof teamWithKeys>>;

describe.each(testDatabaseKinds())('who may read the audit trail on %s', (kind) => {
  const handle = serverForEachFile(kind);
  let teamT: Team;
  let teamU: Team;
  let viewerKey: string;
  let outsiderKey: string;
  /** Models: no team; of T; of T, deleted; of U; of T then moved to U, and of U then moved to T, by a proxy admin. */
  let noTeamModel: string;
  let teamModel: string;
  let deletedTeamModel: string;
  let otherTeamModel: string;
  let movedModel: string;
  let movedInModel: string;
  /** An entry the old proxy wrote (JSON-encoded strings, older table name) for a model of T. */
  let legacyTeamModel: string;
  let entryOfOtherTeamModel: string;
  let entryOfTeamModel: string;

  const graphql = (query: string, key: string | null, variables?: Record<string, unknown>) => handle.server.graphql(query, variables, key);
  const newModel = (key: string, teamId?: string) =>
    addModel(handle.server, { key, modelInfo: teamId ? { team_id: teamId } : undefined, litellmParams: { model: 'openai/gpt-4o', api_key: PROVIDER_SECRET } });

  async function mutate(query: string, variables: Record<string, unknown>, key: string) {
    const response = await graphql(query, key, variables);
    if (response.errors) throw new Error(`mutation failed: ${JSON.stringify(response.errors)}`);
  }

  async function entryIdOf(objectId: string): Promise<string> {
    const [row] = await handle.server.sql<{ id: string }>(`select id from "${TABLES.auditLog}" where object_id = ? order by updated_at limit 1`, [objectId]);
    return row.id;
  }

  beforeAll(async () => {
    teamT = await teamWithKeys(handle.server);
    teamU = await teamWithKeys(handle.server);
    viewerKey = (await keyWithRole(handle.server, 'PROXY_ADMIN_VIEWER')).key;
    outsiderKey = (await keyWithRole(handle.server, 'INTERNAL_USER')).key;

    noTeamModel = (await newModel(TEST_MASTER_KEY)).id;
    teamModel = (await newModel(teamT.adminKey, teamT.teamId)).id;
    deletedTeamModel = (await newModel(teamT.adminKey, teamT.teamId)).id;
    await mutate('mutation ($id: ID!) { deleteModel(id: $id) { id } }', { id: deletedTeamModel }, teamT.adminKey);
    otherTeamModel = (await newModel(teamU.adminKey, teamU.teamId)).id;
    movedModel = (await newModel(teamT.adminKey, teamT.teamId)).id;
    await mutate('mutation ($id: ID!, $patch: PatchModelInput!) { patchModel(id: $id, patch: $patch) { id } }', { id: movedModel, patch: { modelInfo: { team_id: teamU.teamId } } }, TEST_MASTER_KEY);
    await mutate('mutation ($input: UpdateModelInput!) { updateModel(input: $input) { id } }', { input: { id: movedModel, litellmParams: { rpm: 7 } } }, teamU.adminKey);
    movedInModel = (await newModel(teamU.adminKey, teamU.teamId)).id;
    await mutate('mutation ($id: ID!, $patch: PatchModelInput!) { patchModel(id: $id, patch: $patch) { id } }', { id: movedInModel, patch: { modelInfo: { team_id: teamT.teamId } } }, TEST_MASTER_KEY);

    legacyTeamModel = randomUUID();
    const legacySnapshot = { model_id: legacyTeamModel, model_name: 'legacy', litellm_params: { model: 'openai/gpt-4o' }, model_info: { id: legacyTeamModel, team_id: teamT.teamId } };
    await insertLegacyAuditRow(handle.server, { action: 'created', tableName: TABLES.teamModelAliases, objectId: legacyTeamModel, updatedValues: legacySnapshot });

    entryOfOtherTeamModel = await entryIdOf(otherTeamModel);
    entryOfTeamModel = await entryIdOf(teamModel);
  });
  describe('auditLogs and auditLog', () => {
    it('a proxy admin sees every entry, of every table', async () => {
      const response = await graphql(ALL_ENTRIES, TEST_MASTER_KEY);
      expect(response.errors).toBeUndefined();
      const objectIds = response.data!.auditLogs.edges.map((edge: any) => edge.node.objectId);
      expect(objectIds).toEqual(expect.arrayContaining([noTeamModel, teamModel, deletedTeamModel, otherTeamModel, movedModel, legacyTeamModel, teamT.teamId, teamT.adminId]));
      const [{ count }] = await handle.server.sql(`select count(*) as count from "${TABLES.auditLog}"`);
      expect(response.data!.auditLogs.totalCount).toBe(Number(count));
    });

    it("a proxy admin viewer sees every entry too, an API key's only without its hash", async () => {
      const asAdmin = await graphql(ALL_ENTRIES, TEST_MASTER_KEY);
      const asViewer = await graphql(ALL_ENTRIES, viewerKey);
      expect(asViewer.errors).toBeUndefined();
      // Key hashes are for proxy admins only: a viewer reads the id of a key-table entry masked.
      const keyHashesMasked = structuredClone(asAdmin.data!);
      for (const edge of keyHashesMasked.auditLogs.edges) {
        if (edge.node.tableName === TABLES.verificationToken) edge.node.objectId = maskSecret(edge.node.objectId);
      }
      expect(asViewer.data).toEqual(keyHashesMasked);
    });

    it("a team admin sees only the entries of the team's models, a deleted one's and the old proxy's included", async () => {
      const response = await graphql(ALL_ENTRIES, teamT.adminKey);
      expect(response.errors).toBeUndefined();
      const nodes = response.data!.auditLogs.edges.map((edge: any) => edge.node);
      expect(response.data!.auditLogs.totalCount).toBe(nodes.length);
      expect(new Set(nodes.map((node: any) => node.objectId))).toEqual(new Set([teamModel, deletedTeamModel, movedModel, movedInModel, legacyTeamModel]));
      expect(nodes.filter((node: any) => node.objectId === deletedTeamModel).map((node: any) => node.action)).toEqual(['DELETED', 'CREATED']);
      // The move out of T is T's history; what U does with the model afterwards is not.
      expect(nodes.filter((node: any) => node.objectId === movedModel).map((node: any) => node.action)).toEqual(['UPDATED', 'CREATED']);
      // The move into T is; what U did with the model before is not.
      expect(nodes.filter((node: any) => node.objectId === movedInModel).map((node: any) => node.action)).toEqual(['UPDATED']);
    });

    it("a team admin's filters cannot reach past the team", async () => {
      const response = await graphql(`query ($id: ID!) { auditLogs(filter: { objectId: $id }) { totalCount edges { node { id } } } }`, teamT.adminKey, { id: otherTeamModel });
      expect(response.errors).toBeUndefined();
      expect(response.data!.auditLogs).toEqual({ totalCount: 0, edges: [] });
    });

    it("auditLog(id) gives a team admin the team's entries and null for another team's", async () => {
      const query = 'query ($id: ID!) { auditLog(id: $id) { id objectId } }';
      expect((await graphql(query, teamT.adminKey, { id: entryOfTeamModel })).data).toEqual({ auditLog: { id: entryOfTeamModel, objectId: teamModel } });
      const hidden = await graphql(query, teamT.adminKey, { id: entryOfOtherTeamModel });
      expect(hidden.errors).toBeUndefined();
      expect(hidden.data).toEqual({ auditLog: null });
    });

    it.each([
      ['a plain member of the team', () => teamT.memberKey],
      ['a key of no team', () => outsiderKey],
    ])('%s is FORBIDDEN', async (_, key) => {
      const list = await graphql(ALL_ENTRIES, key());
      expect(errorCodes(list)).toEqual(['FORBIDDEN']);
      expect(list.data).toBeNull();
      const one = await graphql('query ($id: ID!) { auditLog(id: $id) { id } }', key(), { id: entryOfTeamModel });
      expect(errorCodes(one)).toEqual(['FORBIDDEN']);
      expect(one.data).toEqual({ auditLog: null });
    });

    it.each([
      ['no key', null],
      ['an unknown key', 'sk-not-a-key-anyone-has'],
      ['a key without the sk- prefix', 'not-even-a-key'],
    ])('%s is UNAUTHENTICATED', async (_, key) => {
      const list = await graphql(ALL_ENTRIES, key);
      expect(errorCodes(list)).toEqual(['UNAUTHENTICATED']);
      expect(list.data).toBeNull();
      const one = await graphql('query ($id: ID!) { auditLog(id: $id) { id } }', key, { id: entryOfTeamModel });
      expect(errorCodes(one)).toEqual(['UNAUTHENTICATED']);
    });
  });

  describe('Model.auditLogs', () => {
    const HISTORIES = `query ($noTeam: ID!, $team: ID!, $other: ID!) {
      noTeam: model(id: $noTeam) { id modelName auditLogs { action } }
      team: model(id: $team) { id modelName auditLogs { action } }
      other: model(id: $other) { id modelName auditLogs { action } }
    }`;
    const variables = () => ({ noTeam: noTeamModel, team: teamModel, other: otherTeamModel });

    it.each([
      ['a proxy admin', () => TEST_MASTER_KEY],
      ['a proxy admin viewer', () => viewerKey],
    ])("%s reads every model's history", async (_, key) => {
      const response = await graphql(HISTORIES, key(), variables());
      expect(response.errors).toBeUndefined();
      for (const alias of ['noTeam', 'team', 'other']) expect(response.data![alias].auditLogs).toEqual([{ action: 'CREATED' }]);
    });

    it("a team admin reads the team's models' history; a no-team model's is FORBIDDEN, with the rest of the answer intact", async () => {
      const response = await graphql(HISTORIES, teamT.adminKey, variables());
      expect(response.data!.team).toMatchObject({ id: teamModel, auditLogs: [{ action: 'CREATED' }] });
      expect(response.data!.noTeam).toMatchObject({ id: noTeamModel, modelName: expect.any(String), auditLogs: null });
      // Another team's model is invisible to a team admin altogether, its history with it.
      expect(response.data!.other).toBeNull();
      expect(response.errors).toHaveLength(1);
      expect(response.errors![0]).toMatchObject({ path: ['noTeam', 'auditLogs'], extensions: { code: 'FORBIDDEN' } });
    });

    it("a team admin reads the same history of a model through Model.auditLogs as through auditLogs: none of another team's", async () => {
      const response = await graphql(
        'query ($id: ID!) { model(id: $id) { auditLogs { id action } } auditLogs(filter: { objectId: $id }) { edges { node { id action } } } }',
        teamT.adminKey,
        { id: movedInModel },
      );
      expect(response.errors).toBeUndefined();
      expect(response.data!.model.auditLogs).toEqual(response.data!.auditLogs.edges.map((edge: any) => edge.node));
      expect(response.data!.model.auditLogs.map((entry: any) => entry.action)).toEqual(['UPDATED']);
    });

    it("a model moved to another team is hidden from the old team's admin, its history with it", async () => {
      const response = await graphql('query ($id: ID!) { model(id: $id) { id auditLogs { action } } }', teamT.adminKey, { id: movedModel });
      expect(response.data).toEqual({ model: null });
    });

    it('a plain member of the team gets FORBIDDEN on the field of every model it sees, with the rest of the answer intact', async () => {
      const response = await graphql(HISTORIES, teamT.memberKey, variables());
      expect(response.data).toEqual({
        noTeam: { id: noTeamModel, modelName: expect.any(String), auditLogs: null },
        team: { id: teamModel, modelName: expect.any(String), auditLogs: null },
        other: null,
      });
      expect(response.errors!.map((error) => [error.path, error.extensions?.code])).toEqual(
        expect.arrayContaining([
          [['noTeam', 'auditLogs'], 'FORBIDDEN'],
          [['team', 'auditLogs'], 'FORBIDDEN'],
        ]),
      );
      expect(response.errors).toHaveLength(2);
    });

    it('a key of no team gets FORBIDDEN on the field, with the rest of the answer intact', async () => {
      const response = await graphql(HISTORIES, outsiderKey, variables());
      expect(response.data).toEqual({ noTeam: { id: noTeamModel, modelName: expect.any(String), auditLogs: null }, team: null, other: null });
      expect(response.errors!.map((error) => [error.path, error.extensions?.code])).toEqual([[['noTeam', 'auditLogs'], 'FORBIDDEN']]);
    });
  });

  describe('AuditLog.changedByApiKey', () => {
    const QUERY = 'query ($id: ID!) { auditLog(id: $id) { id objectId changedByApiKey } }';

    it('a proxy admin sees the hash of the key that made the change', async () => {
      const response = await graphql(QUERY, TEST_MASTER_KEY, { id: entryOfTeamModel });
      expect(response.errors).toBeUndefined();
      expect(response.data!.auditLog).toEqual({ id: entryOfTeamModel, objectId: teamModel, changedByApiKey: hashApiKey(teamT.adminKey) });
    });

    it.each([
      ['a proxy admin viewer', () => viewerKey],
      ['a team admin', () => teamT.adminKey],
    ])('%s gets FORBIDDEN on the field, the rest of the entry intact', async (_, key) => {
      const response = await graphql(QUERY, key(), { id: entryOfTeamModel });
      expect(response.data!.auditLog).toEqual({ id: entryOfTeamModel, objectId: teamModel, changedByApiKey: null });
      expect(response.errors).toHaveLength(1);
      expect(response.errors![0]).toMatchObject({ path: ['auditLog', 'changedByApiKey'], extensions: { code: 'FORBIDDEN' } });
    });

    it('is FORBIDDEN through aliases and fragments too', async () => {
      const response = await graphql(
        `query { auditLogs(first: 3) { edges { node { ...Entry } } } }
         fragment Entry on AuditLog { id hidden: changedByApiKey }`,
        teamT.adminKey,
      );
      expect(response.data!.auditLogs.edges.length).toBeGreaterThan(0);
      for (const edge of response.data!.auditLogs.edges) expect(edge.node.hidden).toBeNull();
      expect(errorCodes(response).every((code) => code === 'FORBIDDEN')).toBe(true);
      expect(response.errors).toHaveLength(response.data!.auditLogs.edges.length);
    });
  });

  describe('no path around the rules through AuditLog.model', () => {
    it("a team admin's auditLogs { model { litellmParams } } shows only the team's own current models, masked", async () => {
      const response = await graphql(`query { auditLogs(first: 100) { edges { node { objectId model { id teamId litellmParams } } } } }`, teamT.adminKey);
      expect(response.errors).toBeUndefined();
      const text = JSON.stringify(response);
      expect(text).not.toContain(PROVIDER_SECRET);
      for (const hidden of [otherTeamModel, noTeamModel]) expect(text).not.toContain(hidden);

      const modelsByEntry = response.data!.auditLogs.edges.map((edge: any) => [edge.node.objectId, edge.node.model]);
      for (const [objectId, model] of modelsByEntry) {
        if (objectId === teamModel || objectId === movedInModel) {
          expect(model).toEqual({ id: objectId, teamId: teamT.teamId, litellmParams: { model: 'openai/gpt-4o', api_key: maskSecret(PROVIDER_SECRET) } });
        }
        // Moved to U (hidden from T), deleted, or never in this database: no current model to show.
        else expect(model).toBeNull();
      }
    });

    it('AuditLog.model of a model now hidden from the caller is null', async () => {
      const response = await graphql(`query ($id: ID!) { auditLogs(filter: { objectId: $id }) { edges { node { action model { id } } } } }`, teamT.adminKey, { id: movedModel });
      expect(response.errors).toBeUndefined();
      expect(response.data!.auditLogs.edges).toEqual([
        { node: { action: 'UPDATED', model: null } },
        { node: { action: 'CREATED', model: null } },
      ]);
    });

    it("a proxy admin viewer follows AuditLog.model to every model's masked litellmParams", async () => {
      const response = await graphql(`query ($id: ID!) { auditLogs(filter: { objectId: $id }) { edges { node { model { id litellmParams } } } } }`, viewerKey, { id: otherTeamModel });
      expect(response.errors).toBeUndefined();
      expect(response.data!.auditLogs.edges).toEqual([{ node: { model: { id: otherTeamModel, litellmParams: { model: 'openai/gpt-4o', api_key: maskSecret(PROVIDER_SECRET) } } } }]);
    });
  });
});
