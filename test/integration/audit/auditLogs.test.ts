// The audit trail through GraphQL: what every mutation writes, and how auditLogs, auditLog,
// AuditLog.model and Model.auditLogs read it back (filtered, paged, newest first, secrets masked).
import { randomUUID } from 'node:crypto';
import { hashApiKey } from '../../../src/crypto/hashApiKey';
import { maskSecret } from '../../../src/crypto/maskSecrets';
import { AtRestCipher } from '../../../src/crypto/AtRestCipher';
import { TABLES } from '../../../src/database/tables';
import { AUDIT_LOG_FIELDS, auditRowsOf, insertLegacyAuditRow } from '../../support/auditTrail';
import { storedRow } from '../../support/storedRows';
import { addModel, createTeam, createUser, generateKey, teamWithKeys } from '../../support/fixtures';
import { serverOverProxySchema } from '../../support/modelApi';
import { testDatabaseKinds } from '../../support/testDatabases';
import { serverForEachFile, TEST_MASTER_KEY, type TestServer } from '../../support/testServer';

const MASTER_KEY_HASH = hashApiKey(TEST_MASTER_KEY);
const PROVIDER_SECRET = 'sk-provider-secret-0123456789abcdef';
const ROTATED_SECRET = 'sk-rotated-secret-9876543210fedcba';

interface AuditNode {
  id: string;
  action: string;
  tableName: string;
  objectId: string;
  changedBy: string;
  updatedAt: string;
  beforeValue: Record<string, any> | null;
  updatedValues: Record<string, any> | null;
}

interface AuditPage {
  edges: { cursor: string; node: AuditNode }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount: number;
}

const AUDIT_LOGS_QUERY = `query Audit($filter: AuditLogFilter, $first: Int, $after: String) {
  auditLogs(filter: $filter, first: $first, after: $after) {
    edges { cursor node { ${AUDIT_LOG_FIELDS} } }
    pageInfo { hasNextPage endCursor }
    totalCount
  }
}`;

describe.each(testDatabaseKinds())('the audit trail through GraphQL on %s', (kind) => {
  const handle = serverForEachFile(kind);

  async function auditLogs(variables: { filter?: Record<string, unknown>; first?: number; after?: string }, key?: string): Promise<AuditPage> {
    const response = await handle.server.graphql<{ auditLogs: AuditPage }>(AUDIT_LOGS_QUERY, variables, key);
    if (response.errors) throw new Error(`auditLogs failed: ${JSON.stringify(response.errors)}`);
    return response.data!.auditLogs;
  }

  async function mutate<Data = Record<string, any>>(query: string, variables: Record<string, unknown>, key?: string): Promise<Data> {
    const response = await handle.server.graphql<Data>(query, variables, key);
    if (response.errors) throw new Error(`mutation failed: ${JSON.stringify(response.errors)}`);
    return response.data!;
  }

  const updateModel = (id: string, litellmParams: Record<string, unknown>, key?: string) =>
    mutate('mutation ($input: UpdateModelInput!) { updateModel(input: $input) { id } }', { input: { id, litellmParams } }, key);
  const patchModel = (id: string, patch: Record<string, unknown>, key?: string) =>
    mutate('mutation ($id: ID!, $patch: PatchModelInput!) { patchModel(id: $id, patch: $patch) { id } }', { id, patch }, key);
  const deleteModel = (id: string, key?: string) => mutate('mutation ($id: ID!) { deleteModel(id: $id) { id } }', { id }, key);

  const modelRow = (id: string) => storedRow(handle.server, TABLES.proxyModel, 'model_id', id);
  const newModel = (key?: string, modelInfo?: Record<string, unknown>) =>
    addModel(handle.server, { key, modelInfo, litellmParams: { model: 'openai/gpt-4o', api_key: PROVIDER_SECRET, rpm: 10 } });

  describe('every mutation writes its audit rows, attributed to the caller', () => {
    it('addModel writes one created row with the full row after and nothing before', async () => {
      const model = await newModel();

      const rows = await auditRowsOf(handle.server, model.id);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        action: 'created',
        table_name: TABLES.proxyModel,
        object_id: model.id,
        changed_by: 'default_user_id',
        changed_by_api_key: MASTER_KEY_HASH,
        before_value: null,
      });
      expect(rows[0].updated_values).toEqual(await modelRow(model.id));
    });

    it('updateModel writes one updated row with the full row before and after', async () => {
      const model = await newModel();
      const before = await modelRow(model.id);

      await updateModel(model.id, { api_key: ROTATED_SECRET });

      const updates = (await auditRowsOf(handle.server, model.id)).filter((row) => row.action === 'updated');
      expect(updates).toHaveLength(1);
      expect(updates[0]).toMatchObject({ table_name: TABLES.proxyModel, changed_by: 'default_user_id', changed_by_api_key: MASTER_KEY_HASH });
      expect(updates[0].before_value).toEqual(before);
      expect(updates[0].updated_values).toEqual(await modelRow(model.id));
    });

    it('patchModel writes one updated row with the full row before and after', async () => {
      const model = await newModel();
      const before = await modelRow(model.id);

      await patchModel(model.id, { modelName: 'renamed-by-patch', modelInfo: { mode: 'chat' } });

      const updates = (await auditRowsOf(handle.server, model.id)).filter((row) => row.action === 'updated');
      expect(updates).toHaveLength(1);
      expect(updates[0].before_value).toEqual(before);
      expect(updates[0].updated_values).toEqual(await modelRow(model.id));
      expect(updates[0].updated_values).toMatchObject({ model_name: 'renamed-by-patch', model_info: { mode: 'chat' } });
    });

    it('deleteModel writes one deleted row with the full row before and nothing after', async () => {
      const model = await newModel();
      const before = await modelRow(model.id);

      await deleteModel(model.id);

      const deletes = (await auditRowsOf(handle.server, model.id)).filter((row) => row.action === 'deleted');
      expect(deletes).toHaveLength(1);
      expect(deletes[0]).toMatchObject({ table_name: TABLES.proxyModel, updated_values: null, changed_by: 'default_user_id', changed_by_api_key: MASTER_KEY_HASH });
      expect(deletes[0].before_value).toEqual(before);
    });

    it('createUser, createTeam and generateKey write created rows with the full new row', async () => {
      const userId = await createUser(handle.server);
      const teamId = await createTeam(handle.server, [{ userId, role: 'ADMIN' }]);
      const { token } = await generateKey(handle.server, userId, teamId);

      const [userCreated, userJoinedTeam] = await auditRowsOf(handle.server, userId);
      expect(userCreated).toMatchObject({ action: 'created', table_name: TABLES.user, changed_by: 'default_user_id', changed_by_api_key: MASTER_KEY_HASH });
      // Joining the team adds it to the user's teams: the user row changes too.
      expect(userJoinedTeam).toMatchObject({ action: 'updated', table_name: TABLES.user, before_value: { teams: [] }, updated_values: { teams: [teamId] } });
      expect(userJoinedTeam.updated_values).toEqual(await storedRow(handle.server, TABLES.user, 'user_id', userId));

      const teamRows = await auditRowsOf(handle.server, teamId);
      expect(teamRows).toHaveLength(1);
      expect(teamRows[0]).toMatchObject({ action: 'created', table_name: TABLES.team, changed_by: 'default_user_id', changed_by_api_key: MASTER_KEY_HASH });
      expect(teamRows[0].updated_values).toEqual(await storedRow(handle.server, TABLES.team, 'team_id', teamId));

      const keyRows = await auditRowsOf(handle.server, token);
      expect(keyRows).toHaveLength(1);
      expect(keyRows[0]).toMatchObject({ action: 'created', table_name: TABLES.verificationToken, changed_by: 'default_user_id', changed_by_api_key: MASTER_KEY_HASH });
      expect(keyRows[0].updated_values).toEqual(await storedRow(handle.server, TABLES.verificationToken, 'token', token));
    });

    it("a team admin's team model writes rows for the model and the team (no alias row beside a current proxy), naming the admin and the admin's key", async () => {
      const team = await teamWithKeys(handle.server);
      const adminKeyHash = hashApiKey(team.adminKey);
      const teamBefore = await storedRow(handle.server, TABLES.team, 'team_id', team.teamId);

      const first = await newModel(team.adminKey, { team_id: team.teamId });
      const teamAfterFirst = await storedRow(handle.server, TABLES.team, 'team_id', team.teamId);
      expect(teamAfterFirst!.model_id).toBeNull();
      await addModel(handle.server, { key: team.adminKey, modelName: 'second-team-model', modelInfo: { team_id: team.teamId } });

      const attribution = { changed_by: team.adminId, changed_by_api_key: adminKeyHash };
      expect(await auditRowsOf(handle.server, first.id)).toEqual([
        expect.objectContaining({ action: 'created', table_name: TABLES.proxyModel, ...attribution, updated_values: await modelRow(first.id) }),
      ]);
      const teamRows = (await auditRowsOf(handle.server, team.teamId)).filter((row) => row.action === 'updated');
      expect(teamRows).toHaveLength(2);
      expect(teamRows[0]).toMatchObject({ table_name: TABLES.team, ...attribution, before_value: teamBefore });
      expect(teamRows[0].updated_values).toEqual(teamAfterFirst);
      expect(teamRows[1].updated_values).toEqual(await storedRow(handle.server, TABLES.team, 'team_id', team.teamId));
      expect(teamRows[1].updated_values).toMatchObject({ models: [first.publicModelName, 'second-team-model'] });

    });

    it("a team admin's update, patch and delete of a team model name the admin and the admin's key", async () => {
      const team = await teamWithKeys(handle.server);
      const model = await newModel(team.adminKey, { team_id: team.teamId });

      await updateModel(model.id, { rpm: 99 }, team.adminKey);
      await patchModel(model.id, { modelInfo: { mode: 'chat' } }, team.adminKey);
      await deleteModel(model.id, team.adminKey);

      const rows = await auditRowsOf(handle.server, model.id);
      expect(rows.map((row) => row.action)).toEqual(['created', 'updated', 'updated', 'deleted']);
      for (const row of rows) expect(row).toMatchObject({ changed_by: team.adminId, changed_by_api_key: hashApiKey(team.adminKey) });
    });
  });

  describe('auditLogs', () => {
    it('lists entries newest first, ordered by time then id', async () => {
      const model = await newModel();
      await updateModel(model.id, { rpm: 11 });
      await patchModel(model.id, { modelName: 'newest-first' });
      await deleteModel(model.id);

      const page = await auditLogs({ filter: { objectId: model.id } });
      expect(page.edges.map((edge) => edge.node.action)).toEqual(['DELETED', 'UPDATED', 'UPDATED', 'CREATED']);
      expect(page.totalCount).toBe(4);

      const everything = await auditLogs({ first: 100 });
      const positions = everything.edges.map(({ node }) => [Date.parse(node.updatedAt), node.id] as const);
      for (let i = 1; i < positions.length; i++) {
        const [previousTime, previousId] = positions[i - 1];
        const [time, id] = positions[i];
        expect(time < previousTime || (time === previousTime && id < previousId)).toBe(true);
      }
    });

    it('filters by objectId, action, tableName and changedBy', async () => {
      const model = await newModel();
      await updateModel(model.id, { rpm: 12 });
      await updateModel(model.id, { rpm: 13 });
      const userId = await createUser(handle.server);

      const updates = await auditLogs({ filter: { objectId: model.id, action: 'UPDATED' } });
      expect(updates.totalCount).toBe(2);
      expect(updates.edges.every(({ node }) => node.objectId === model.id && node.action === 'UPDATED')).toBe(true);

      const users = await auditLogs({ filter: { tableName: TABLES.user }, first: 100 });
      expect(users.edges.every(({ node }) => node.tableName === TABLES.user)).toBe(true);
      expect(users.edges.map(({ node }) => node.objectId)).toContain(userId);
      expect(users.edges.map(({ node }) => node.objectId)).not.toContain(model.id);

      const team = await teamWithKeys(handle.server);
      const teamModel = await newModel(team.adminKey, { team_id: team.teamId });
      const byAdmin = await auditLogs({ filter: { changedBy: team.adminId }, first: 100 });
      expect(byAdmin.edges.every(({ node }) => node.changedBy === team.adminId)).toBe(true);
      expect(byAdmin.edges.map(({ node }) => node.objectId)).toEqual(expect.arrayContaining([teamModel.id, team.teamId]));
    });

    it('tableName LiteLLM_ProxyModelTable also matches model entries older proxies wrote as LiteLLM_ModelTable', async () => {
      const objectId = randomUUID();
      const legacyId = await insertLegacyAuditRow(handle.server, {
        action: 'updated',
        tableName: TABLES.teamModelAliases,
        objectId,
        beforeValue: { model_id: objectId, model_name: 'legacy', litellm_params: { model: 'openai/gpt-4o' }, model_info: { id: objectId } },
        updatedValues: { model_id: objectId, model_name: 'legacy-renamed', litellm_params: { model: 'openai/gpt-4o' }, model_info: { id: objectId } },
      });
      const model = await newModel();

      const modelHistory = await auditLogs({ filter: { tableName: TABLES.proxyModel }, first: 100 });
      const ids = modelHistory.edges.map(({ node }) => node.id);
      expect(ids).toContain(legacyId);
      expect(modelHistory.edges.map(({ node }) => node.objectId)).toContain(model.id);
    });

    it('since is inclusive and until exclusive', async () => {
      const objectId = `timed-${randomUUID()}`;
      const days = [1, 2, 3, 4, 5, 6].map((day) => new Date(Date.UTC(2020, 0, day, 12)));
      const ids = [];
      for (const updatedAt of days) {
        ids.push(await insertLegacyAuditRow(handle.server, { action: 'updated', tableName: TABLES.proxyModel, objectId, updatedAt, updatedValues: { model_id: objectId } }));
      }

      const page = await auditLogs({ filter: { objectId, since: days[1].toISOString(), until: days[4].toISOString() } });
      expect(page.edges.map(({ node }) => node.id)).toEqual([ids[3], ids[2], ids[1]]);
      expect(page.totalCount).toBe(3);
      expect((await auditLogs({ filter: { objectId, since: days[5].toISOString() } })).edges.map(({ node }) => node.id)).toEqual([ids[5]]);
      expect((await auditLogs({ filter: { objectId, until: days[0].toISOString() } })).totalCount).toBe(0);
    });

    it('pages with first/after return each entry exactly once, also when entries share a timestamp', async () => {
      const objectId = `paged-${randomUUID()}`;
      const sameInstant = new Date(Date.UTC(2021, 5, 1));
      const inserted = [];
      for (let i = 0; i < 13; i++) {
        const updatedAt = i < 8 ? sameInstant : new Date(sameInstant.getTime() + i * 1000);
        inserted.push(await insertLegacyAuditRow(handle.server, { action: 'updated', tableName: TABLES.proxyModel, objectId, updatedAt, updatedValues: { model_id: objectId } }));
      }

      const seen: string[] = [];
      let after: string | undefined;
      let pages = 0;
      for (;;) {
        const page = await auditLogs({ filter: { objectId }, first: 3, after });
        expect(page.totalCount).toBe(13);
        seen.push(...page.edges.map(({ node }) => node.id));
        pages++;
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor!;
      }

      expect(pages).toBe(5);
      expect(seen).toHaveLength(13);
      expect(new Set(seen)).toEqual(new Set(inserted));
      expect(seen).toEqual((await auditLogs({ filter: { objectId }, first: 100 })).edges.map(({ node }) => node.id));
    });

    it('counts every matching entry in totalCount, whatever the page size', async () => {
      const model = await newModel();
      for (const rpm of [21, 22, 23]) await updateModel(model.id, { rpm });

      expect((await auditLogs({ filter: { objectId: model.id }, first: 1 })).totalCount).toBe(4);
      expect((await auditLogs({ filter: { objectId: model.id }, first: 0 })).totalCount).toBe(4);
      const all = await auditLogs({ first: 1 });
      expect(all.totalCount).toBe(Number((await handle.server.sql(`select count(*) as count from "${TABLES.auditLog}"`))[0].count));
    });

    it.each([
      ['not base64 JSON', 'not-a-cursor'],
      ['JSON of the wrong shape', Buffer.from(JSON.stringify({ offset: 40 })).toString('base64url')],
      ['a time that is no date', Buffer.from(JSON.stringify({ updatedAt: 'yesterday', id: 'x' })).toString('base64url')],
      ['a time Postgres cannot hold', Buffer.from(JSON.stringify({ updatedAt: '+100000-01-01T00:00:00.000Z', id: 'x' })).toString('base64url')],
    ])('refuses a forged cursor (%s) with BAD_USER_INPUT', async (_, after) => {
      const response = await handle.server.graphql(AUDIT_LOGS_QUERY, { after });
      expect(response.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect(response.data).toBeNull();
    });

    it('refuses since or until outside what a timestamp column holds with BAD_USER_INPUT', async () => {
      for (const filter of [{ since: '0000-01-01T00:00:00Z' }, { until: '0000-06-01T00:00:00Z' }]) {
        const response = await handle.server.graphql(AUDIT_LOGS_QUERY, { filter });
        expect(response.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      }
    });

    it('refuses first above the cap with BAD_USER_INPUT', async () => {
      const response = await handle.server.graphql(AUDIT_LOGS_QUERY, { first: 1000 });
      expect(response.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    });
  });

  describe('auditLog, AuditLog.model and Model.auditLogs', () => {
    it('auditLog(id) returns one entry, and null for an id that does not exist', async () => {
      const model = await newModel();
      const [row] = await auditRowsOf(handle.server, model.id);

      const found = await handle.server.graphql(`query ($id: ID!) { auditLog(id: $id) { ${AUDIT_LOG_FIELDS} changedByApiKey } }`, { id: row.id });
      expect(found.errors).toBeUndefined();
      expect(found.data!.auditLog).toMatchObject({ id: row.id, action: 'CREATED', tableName: TABLES.proxyModel, objectId: model.id, changedBy: 'default_user_id', changedByApiKey: MASTER_KEY_HASH, beforeValue: null });

      const missing = await handle.server.graphql('query ($id: ID!) { auditLog(id: $id) { id } }', { id: randomUUID() });
      expect(missing).toMatchObject({ data: { auditLog: null } });
      expect(missing.errors).toBeUndefined();
    });

    it('AuditLog.model is the model as it is now, and null once it is deleted', async () => {
      const model = await newModel();
      await patchModel(model.id, { modelName: 'as-it-is-now' });
      const query = `query ($id: ID!) { auditLogs(filter: { objectId: $id }) { edges { node { action model { id modelName } } } } }`;

      const live = await handle.server.graphql(query, { id: model.id });
      expect(live.errors).toBeUndefined();
      expect(live.data!.auditLogs.edges.map((edge: any) => edge.node.model)).toEqual([
        { id: model.id, modelName: 'as-it-is-now' },
        { id: model.id, modelName: 'as-it-is-now' },
      ]);

      await deleteModel(model.id);
      const gone = await handle.server.graphql(query, { id: model.id });
      expect(gone.errors).toBeUndefined();
      expect(gone.data!.auditLogs.edges.map((edge: any) => [edge.node.action, edge.node.model])).toEqual([
        ['DELETED', null],
        ['UPDATED', null],
        ['CREATED', null],
      ]);
    });

    it('AuditLog.model is null for entries of other tables', async () => {
      const userId = await createUser(handle.server);
      const response = await handle.server.graphql('query ($id: ID!) { auditLogs(filter: { objectId: $id }) { edges { node { tableName model { id } } } } }', { id: userId });
      expect(response.data!.auditLogs.edges).toEqual([{ node: { tableName: TABLES.user, model: null } }]);
    });

    it("Model.auditLogs(first) is the model's newest entries, also when several models are listed", async () => {
      const model = await newModel();
      const other = await newModel();
      for (const rpm of [31, 32, 33]) await updateModel(model.id, { rpm });
      await updateModel(other.id, { rpm: 41 });

      const response = await handle.server.graphql(
        `query ($a: ID!, $b: ID!) {
          a: model(id: $a) { auditLogs(first: 2) { action objectId updatedValues } }
          b: model(id: $b) { auditLogs { action objectId } }
          all: model(id: $a) { auditLogs(first: 10) { action } }
        }`,
        { a: model.id, b: other.id },
      );
      expect(response.errors).toBeUndefined();
      const { a, b, all } = response.data as any;
      expect(a.auditLogs.map((entry: any) => [entry.action, entry.objectId, entry.updatedValues.litellm_params.rpm])).toEqual([
        ['UPDATED', model.id, 33],
        ['UPDATED', model.id, 32],
      ]);
      expect(b.auditLogs).toEqual([
        { action: 'UPDATED', objectId: other.id },
        { action: 'CREATED', objectId: other.id },
      ]);
      expect(all.auditLogs.map((entry: any) => entry.action)).toEqual(['UPDATED', 'UPDATED', 'UPDATED', 'CREATED']);
    });

  });

  describe('audit values come back masked', () => {
    it('no audit response holds a plaintext secret; the masked form is there instead', async () => {
      const model = await newModel();
      await updateModel(model.id, { api_key: ROTATED_SECRET });
      await deleteModel(model.id);

      const response = await handle.server.graphql(
        `query ($id: ID!) { auditLogs(filter: { objectId: $id }) { edges { node { ${AUDIT_LOG_FIELDS} } } } }`,
        { id: model.id },
      );
      const text = JSON.stringify(response);
      expect(text).not.toContain(PROVIDER_SECRET);
      expect(text).not.toContain(ROTATED_SECRET);
      const [deleted, updated, created] = response.data!.auditLogs.edges.map((edge: any) => edge.node);
      expect(created.updatedValues.litellm_params).toEqual({ model: 'openai/gpt-4o', api_key: maskSecret(PROVIDER_SECRET), rpm: 10 });
      expect(updated.beforeValue.litellm_params.api_key).toBe(maskSecret(PROVIDER_SECRET));
      expect(updated.updatedValues.litellm_params.api_key).toBe(maskSecret(ROTATED_SECRET));
      expect(deleted.beforeValue.litellm_params.api_key).toBe(maskSecret(ROTATED_SECRET));
      expect(deleted.updatedValues).toBeNull();
    });

    it("the key entry's token hash and key name come back masked too", async () => {
      const userId = await createUser(handle.server);
      const { key, token } = await generateKey(handle.server, userId);
      const response = await handle.server.graphql(`query ($id: ID!) { auditLogs(filter: { objectId: $id }) { edges { node { updatedValues } } } }`, { id: token });
      const text = JSON.stringify(response);
      expect(text).not.toContain(key);
      expect(text).not.toContain(token);
      expect(response.data!.auditLogs.edges[0].node.updatedValues.token).toBe(maskSecret(token));
    });

    it('reads rows the old proxy wrote, with JSON-encoded string values and ciphertext inside, and masks them', async () => {
      const cipher = AtRestCipher.create({ saltKey: TEST_MASTER_KEY, algorithm: 'xsalsa20-poly1305' });
      const objectId = randomUUID();
      const snapshot = (apiKey: string) => ({
        model_id: objectId,
        model_name: 'legacy-model',
        litellm_params: { model: 'azure/gpt-4', api_key: cipher.encrypt(apiKey), api_base: cipher.encrypt('https://example.openai.azure.com') },
        model_info: { id: objectId, db_model: true },
      });
      // Some proxy versions also dumped the JSON columns themselves as JSON strings inside the snapshot.
      const after = snapshot(ROTATED_SECRET);
      const nestedString = { ...after, litellm_params: JSON.stringify(after.litellm_params), model_info: JSON.stringify(after.model_info) };
      await insertLegacyAuditRow(handle.server, { action: 'updated', tableName: TABLES.teamModelAliases, objectId, beforeValue: snapshot(PROVIDER_SECRET), updatedValues: nestedString });

      const response = await handle.server.graphql(
        `query ($id: ID!) { auditLogs(filter: { objectId: $id, tableName: "${TABLES.proxyModel}" }) { edges { node { ${AUDIT_LOG_FIELDS} } } } }`,
        { id: objectId },
      );
      expect(response.errors).toBeUndefined();
      const text = JSON.stringify(response);
      expect(text).not.toContain(PROVIDER_SECRET);
      expect(text).not.toContain(ROTATED_SECRET);
      const [entry] = response.data!.auditLogs.edges.map((edge: any) => edge.node);
      expect(entry).toMatchObject({ action: 'UPDATED', tableName: TABLES.teamModelAliases, objectId });
      expect(entry.beforeValue).toEqual({
        model_id: objectId,
        model_name: 'legacy-model',
        litellm_params: { model: 'azure/gpt-4', api_key: maskSecret(PROVIDER_SECRET), api_base: 'https://example.openai.azure.com' },
        model_info: { id: objectId, db_model: true },
      });
      expect(entry.updatedValues.litellm_params).toEqual({ model: 'azure/gpt-4', api_key: maskSecret(ROTATED_SECRET), api_base: 'https://example.openai.azure.com' });
      expect(entry.updatedValues.model_info).toEqual({ id: objectId, db_model: true });
    });

    it("masks the raw key an old proxy kept in a key's created entry", async () => {
      const rawKey = `sk-${randomUUID()}`;
      const token = hashApiKey(rawKey);
      await insertLegacyAuditRow(handle.server, { action: 'created', tableName: TABLES.verificationToken, objectId: token, updatedValues: { key: rawKey, token, key_alias: 'ci', user_id: 'someone' } });

      const response = await handle.server.graphql(`query ($id: ID!) { auditLogs(filter: { objectId: $id }) { edges { node { updatedValues } } } }`, { id: token });
      expect(JSON.stringify(response)).not.toContain(rawKey);
      expect(response.data!.auditLogs.edges[0].node.updatedValues).toEqual({ key: maskSecret(rawKey), token: maskSecret(token), key_alias: maskSecret('ci'), user_id: 'someone' });
    });
  });
});

describe.each(testDatabaseKinds())('the audit trail of team aliases, beside an older proxy that routes through them, on %s', (kind) => {
  const handle = serverOverProxySchema(kind, 'older');

  async function auditLogs(variables: { filter?: Record<string, unknown>; first?: number }): Promise<AuditPage> {
    const response = await handle.server.graphql<{ auditLogs: AuditPage }>(AUDIT_LOGS_QUERY, variables);
    if (response.errors) throw new Error(`auditLogs failed: ${JSON.stringify(response.errors)}`);
    return response.data!.auditLogs;
  }
  const newModel = (key?: string, modelInfo?: Record<string, unknown>) => teamModelOf(handle.server, key, modelInfo);

  it("a team admin's team model writes rows for its alias row too, naming the admin and the admin's key", async () => {
    const team = await teamWithKeys(handle.server);
    await newModel(team.adminKey, { team_id: team.teamId });
    const aliasRowId = (await storedRow(handle.server, TABLES.team, 'team_id', team.teamId))!.model_id as number;
    const second = await addModel(handle.server, { key: team.adminKey, modelName: 'second-team-model', modelInfo: { team_id: team.teamId } });

    const aliasRows = await auditRowsOf(handle.server, String(aliasRowId));
    expect(aliasRows.map((row) => [row.action, row.table_name])).toEqual([
      ['created', TABLES.teamModelAliases],
      ['updated', TABLES.teamModelAliases],
    ]);
    expect(aliasRows[1]).toMatchObject({ changed_by: team.adminId, changed_by_api_key: hashApiKey(team.adminKey) });
    expect(aliasRows[1].updated_values).toEqual(await storedRow(handle.server, TABLES.teamModelAliases, 'id', aliasRowId));
    expect(aliasRows[1].updated_values).toMatchObject({ aliases: { 'second-team-model': second.modelName } });
  });

    it("tableName LiteLLM_ProxyModelTable does not list a team's alias-row entries, which share the older name", async () => {
      const team = await teamWithKeys(handle.server);
      await newModel(team.adminKey, { team_id: team.teamId });
      const aliasRowId = String((await storedRow(handle.server, TABLES.team, 'team_id', team.teamId))!.model_id);

      const modelHistory = await auditLogs({ filter: { tableName: TABLES.proxyModel }, first: 100 });
      expect(modelHistory.edges.map(({ node }) => node.objectId)).not.toContain(aliasRowId);
      const aliasHistory = await auditLogs({ filter: { tableName: TABLES.teamModelAliases, objectId: aliasRowId } });
      expect(aliasHistory.edges.map(({ node }) => [node.action, node.tableName])).toEqual([['CREATED', TABLES.teamModelAliases]]);
    });

    it("a model whose id equals an alias row's serial id has only its own entries as history", async () => {
      const team = await teamWithKeys(handle.server);
      await newModel(team.adminKey, { team_id: team.teamId });
      const aliasRowId = String((await storedRow(handle.server, TABLES.team, 'team_id', team.teamId))!.model_id);
      const model = await newModel(undefined, { id: aliasRowId });

      const response = await handle.server.graphql(
        `query ($id: ID!) {
          model(id: $id) { auditLogs { tableName objectId } }
          auditLogs(filter: { objectId: $id }) { edges { node { tableName model { id } } } }
        }`,
        { id: model.id },
      );
      expect(response.errors).toBeUndefined();
      expect(response.data!.model.auditLogs).toEqual([{ tableName: TABLES.proxyModel, objectId: aliasRowId }]);
      expect(response.data!.auditLogs.edges.map((edge: any) => edge.node)).toEqual(
        expect.arrayContaining([
          { tableName: TABLES.proxyModel, model: { id: aliasRowId } },
          { tableName: TABLES.teamModelAliases, model: null },
        ]),
      );
    });
});

function teamModelOf(server: TestServer, key?: string, modelInfo?: Record<string, unknown>) {
  return addModel(server, { key, modelInfo, litellmParams: { model: 'openai/gpt-4o', api_key: PROVIDER_SECRET, rpm: 10 } });
}
