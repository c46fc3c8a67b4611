// Subscriptions over graphql-ws, the way a dashboard uses them (README "Live changes"): a committed change reaches
// the subscriber, a rolled-back one never does, each subscriber reads under its own key's rules, and the key and the
// limits are enforced on the socket.
import { randomUUID } from 'node:crypto';
import { loadSettings } from '../../../src/config/settings';
import { hashApiKey } from '../../../src/crypto/hashApiKey';
import { TABLES } from '../../../src/database/tables';
import { MAX_QUERY_ALIASES, MAX_QUERY_DEPTH } from '../../../src/server/queryLimits';
import { addModel, teamWithKeys } from '../../support/fixtures';
import { openLive, type LiveConnection } from '../../support/liveClient';
import { PATCH_MODEL } from '../../support/modelApi';
import { testDatabaseKinds } from '../../support/testDatabases';
import { serverForEachFile, TEST_MASTER_KEY } from '../../support/testServer';

const PROVIDER_SECRET = 'sk-provider-secret-0123456789abcdef';
const MODEL_CHANGED = `subscription ($filter: ModelChangeFilter) {
  modelChanged(filter: $filter) { action modelId model { id publicModelName teamId litellmParams } auditLog { id action changedBy } }
}`;
const AUDIT_LOG_ADDED = 'subscription ($filter: AuditLogFilter) { auditLogAdded(filter: $filter) { id action objectId tableName changedBy updatedValues } }';
const MAX_CONNECTIONS_PER_KEY = 3;
const KEY_RECHECK_MS = 1_000;

/** graphql-ws acknowledges no subscribe message: give the server a moment to start the subscriptions just sent. */
const subscribed = () => new Promise((resolve) => setTimeout(resolve, 250));

type Team = Awaited<ReturnType<typeof teamWithKeys>>;

describe.each(testDatabaseKinds())('subscriptions over graphql-ws on %s', (kind) => {
  const handle = serverForEachFile(kind, () => ({
    live: { ...loadSettings({}).live, maxConnectionsPerKey: MAX_CONNECTIONS_PER_KEY, keyRecheckMs: KEY_RECHECK_MS },
  }));
  const open: LiveConnection[] = [];
  const connect = (key: string | null = TEST_MASTER_KEY, options?: Parameters<typeof openLive>[2]) => {
    const connection = openLive(handle.server.url, key, options);
    open.push(connection);
    return connection;
  };
  afterEach(async () => {
    await Promise.all(open.splice(0).map((connection) => connection.close()));
  });

  const newModel = (key = TEST_MASTER_KEY, teamId?: string) =>
    addModel(handle.server, { key, modelInfo: teamId ? { team_id: teamId } : undefined, litellmParams: { model: 'openai/gpt-4o', api_key: PROVIDER_SECRET } });

  it('delivers a model added over HTTP, with its secret masked, and its audit entry', async () => {
    const connection = connect();
    const changes = connection.subscribe(MODEL_CHANGED);
    await connection.acknowledged;
    await subscribed();
    const model = await newModel();
    const { data, errors } = await changes.next();
    expect(errors).toBeUndefined();
    expect(data!.modelChanged).toMatchObject({ action: 'CREATED', modelId: model.id, model: { id: model.id }, auditLog: { action: 'CREATED', changedBy: 'default_user_id' } });
    expect(JSON.stringify(data)).not.toContain(PROVIDER_SECRET);
    expect(data!.modelChanged.model.litellmParams.api_key).toMatch(/^sk-\*+cdef$/);
  });

  it('delivers a delete with model null, and auditLogAdded entries matching the filter only', async () => {
    // The model's own CREATED is announced after its response: once a subscriber opened before it has heard it, the
    // instance has handed it out, and it cannot reach the subscriptions opened below.
    const probe = connect();
    const created = probe.subscribe(MODEL_CHANGED);
    await probe.acknowledged;
    await subscribed();
    const model = await newModel();
    expect((await created.next()).data!.modelChanged).toMatchObject({ action: 'CREATED', modelId: model.id });
    const connection = connect();
    const changes = connection.subscribe(MODEL_CHANGED, { filter: { ids: [model.id] } });
    const deletions = connection.subscribe(AUDIT_LOG_ADDED, { filter: { action: 'DELETED', tableName: TABLES.proxyModel } });
    await connection.acknowledged;
    await subscribed();
    await newModel(); // another model: neither subscription hears of it
    await handle.server.graphql(PATCH_MODEL, { id: model.id, patch: { litellmParams: { temperature: 0.5 } } });
    expect((await changes.next()).data!.modelChanged).toMatchObject({ action: 'UPDATED', modelId: model.id });
    await handle.server.graphql('mutation ($id: ID!) { deleteModel(id: $id) { id } }', { id: model.id });
    expect((await changes.next()).data!.modelChanged).toEqual(expect.objectContaining({ action: 'DELETED', modelId: model.id, model: null }));
    const deleted = (await deletions.next()).data!.auditLogAdded;
    expect(deleted).toMatchObject({ action: 'DELETED', objectId: model.id, updatedValues: null });
    await deletions.expectSilence(300);
  });

  it('announces nothing for a mutation that rolls back, and the next committed change arrives', async () => {
    // A change the database refuses after the audit hook ran (its pg_notify included): the whole transaction rolls back.
    await handle.server.sql(`CREATE OR REPLACE FUNCTION refuse_rolled_back() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.model_name = 'rolled-back' THEN RAISE EXCEPTION 'refused for the test'; END IF; RETURN NEW; END $$`);
    await handle.server.sql(`CREATE TRIGGER refuse_rolled_back BEFORE INSERT ON "${TABLES.proxyModel}" FOR EACH ROW EXECUTE FUNCTION refuse_rolled_back()`);
    try {
      const connection = connect();
      const changes = connection.subscribe(AUDIT_LOG_ADDED);
      await connection.acknowledged;
      await subscribed();
      const refused = await handle.server.graphql('mutation { addModel(input: { modelName: "rolled-back", litellmParams: { model: "openai/gpt-4o" } }) { id } }');
      expect(refused.errors).toBeDefined();
      expect(await handle.server.sql(`SELECT 1 FROM "${TABLES.proxyModel}" WHERE model_name = 'rolled-back'`)).toEqual([]);
      const committed = await newModel();
      const { data } = await changes.next();
      expect(data!.auditLogAdded).toMatchObject({ action: 'CREATED', objectId: committed.id });
      await changes.expectSilence(300);
    } finally {
      await handle.server.sql(`DROP TRIGGER refuse_rolled_back ON "${TABLES.proxyModel}"`);
    }
  });

  describe('each subscriber reads under its own key', () => {
    let teamT: Team;
    let teamU: Team;
    beforeAll(async () => {
      teamT = await teamWithKeys(handle.server);
      teamU = await teamWithKeys(handle.server);
    });

    it("a member of team T hears of T's models and models of no team, never of U's, with secrets masked", async () => {
      const connection = connect(teamT.memberKey);
      const changes = connection.subscribe(MODEL_CHANGED);
      await connection.acknowledged;
      await subscribed();
      const ofU = await newModel(teamU.adminKey, teamU.teamId);
      const ofT = await newModel(teamT.adminKey, teamT.teamId);
      const { data } = await changes.next();
      expect(data!.modelChanged).toMatchObject({ action: 'CREATED', modelId: ofT.id, model: { teamId: teamT.teamId }, auditLog: null });
      expect(data!.modelChanged.model.litellmParams.api_key).toMatch(/^sk-\*+cdef$/);
      expect(JSON.stringify(data)).not.toContain(PROVIDER_SECRET);
      await handle.server.graphql(PATCH_MODEL, { id: ofU.id, patch: { litellmParams: { temperature: 0.1 } } });
      await changes.expectSilence(400);
    });

    it('a team admin hears the audit entries of its team only; a plain member may not subscribe to them', async () => {
      const admin = connect(teamT.adminKey);
      const entries = admin.subscribe(AUDIT_LOG_ADDED);
      const member = connect(teamT.memberKey);
      const refused = member.subscribe(AUDIT_LOG_ADDED);
      await Promise.all([admin.acknowledged, member.acknowledged]);
      const first = await refused.next();
      expect(first.errors?.map((error) => error.extensions?.code)).toEqual(['FORBIDDEN']);
      await subscribed();
      await newModel(teamU.adminKey, teamU.teamId);
      const ofT = await newModel(teamT.adminKey, teamT.teamId);
      expect((await entries.next()).data!.auditLogAdded).toMatchObject({ objectId: ofT.id, action: 'CREATED' });
    });
  });

  describe('the key', () => {
    it.each([
      ['no key', null, undefined],
      ['an unknown key', 'sk-not-a-key-0123456789', undefined],
      ['a key under x-litellm-api-key that is not one', null, { 'x-litellm-api-key': 'nope' }],
    ])('closes a connection_init with %s with 4401', async (_name, key, payload) => {
      const connection = connect(key, payload ? { payload } : undefined);
      expect((await connection.closed).code).toBe(4401);
    });

    it('accepts the key under x-litellm-api-key too', async () => {
      const connection = connect(null, { payload: { 'x-litellm-api-key': TEST_MASTER_KEY } });
      await connection.acknowledged;
    });

    it('closes with 4403 once the key is blocked, at the next event', async () => {
      const team = await teamWithKeys(handle.server);
      const connection = connect(team.memberKey);
      connection.subscribe(MODEL_CHANGED);
      await connection.acknowledged;
      await handle.server.sql(`UPDATE "${TABLES.verificationToken}" SET blocked = true WHERE token = ?`, [hashApiKey(team.memberKey)]);
      await newModel();
      expect((await connection.closed).code).toBe(4403);
    });

    it(`closes with 4403 within the recheck interval once the key is deleted, with no event at all`, async () => {
      const team = await teamWithKeys(handle.server);
      const connection = connect(team.memberKey);
      connection.subscribe(MODEL_CHANGED);
      await connection.acknowledged;
      const deletedAt = Date.now();
      await handle.server.sql(`DELETE FROM "${TABLES.verificationToken}" WHERE token = ?`, [hashApiKey(team.memberKey)]);
      expect((await connection.closed).code).toBe(4403);
      expect(Date.now() - deletedAt).toBeLessThan(KEY_RECHECK_MS * 3);
    });
  });

  describe('the limits', () => {
    it(`refuses the subscription past ${loadSettings({}).live.maxSubscriptionsPerConnection} on one connection, and takes one again after a complete`, async () => {
      const max = loadSettings({}).live.maxSubscriptionsPerConnection;
      const connection = connect();
      const subscriptions = Array.from({ length: max }, () => connection.subscribe(MODEL_CHANGED));
      const refused = connection.subscribe(MODEL_CHANGED);
      expect((await refused.ended).errors?.map((error) => error.extensions?.code)).toEqual(['LIMIT_EXCEEDED']);
      subscriptions[0].complete();
      await subscribed();
      const again = connection.subscribe(MODEL_CHANGED);
      await subscribed();
      const model = await newModel();
      expect((await again.next()).data!.modelChanged.modelId).toBe(model.id);
    });

    it(`closes the connection past ${MAX_CONNECTIONS_PER_KEY} of one key with 4429; other keys are not counted`, async () => {
      const team = await teamWithKeys(handle.server);
      const connections = Array.from({ length: MAX_CONNECTIONS_PER_KEY }, () => connect(team.memberKey));
      await Promise.all(connections.map((connection) => connection.acknowledged));
      expect((await connect(team.memberKey).closed).code).toBe(4429);
      await connect(team.adminKey).acknowledged;
      await connections[0].close();
      await subscribed();
      await connect(team.memberKey).acknowledged;
    });

    it('applies the depth and alias limits to subscription documents', async () => {
      const connection = connect();
      const nested = 'model { auditLogs { '.repeat(MAX_QUERY_DEPTH / 2) + 'id' + ' } }'.repeat(MAX_QUERY_DEPTH / 2);
      const deep = connection.subscribe(`subscription { modelChanged { auditLog { ${nested} } } }`);
      const aliases = Array.from({ length: MAX_QUERY_ALIASES + 1 }, (_, index) => `a${index}: modelId`).join(' ');
      const aliased = connection.subscribe(`subscription { modelChanged { ${aliases} } }`);
      for (const refused of [deep, aliased]) {
        const { errors } = await refused.ended;
        expect(errors?.length).toBeGreaterThan(0);
        expect(errors!.every((error) => error.extensions?.code === 'GRAPHQL_VALIDATION_FAILED')).toBe(true);
      }
    });

    it('serves only subscriptions over the socket, and refuses a subscription over HTTP', async () => {
      const connection = connect();
      const query = connection.subscribe('{ me { userId } }');
      expect((await query.ended).errors?.[0].extensions?.code).toBe('BAD_REQUEST');
      const overHttp = await handle.server.graphql('subscription { modelChanged { modelId } }');
      expect(overHttp.errors?.[0].extensions?.code).toBe('BAD_REQUEST');
    });

    it("refuses a browser page of another origin, and takes the server's own", async () => {
      expect((await connect(TEST_MASTER_KEY, { origin: 'https://evil.example' }).closed).code).toBe(1006);
      await connect(TEST_MASTER_KEY, { origin: handle.server.url }).acknowledged;
    });
  });

  it('keeps the model ids the filter names within the limit', async () => {
    const connection = connect();
    const tooMany = connection.subscribe(MODEL_CHANGED, { filter: { ids: Array.from({ length: 101 }, () => randomUUID()) } });
    const result = await tooMany.next();
    expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});
