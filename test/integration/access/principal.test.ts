// Who is calling: the master key, `sk-` keys found by their hash, roles and teams, and every kind of
// refused key, through real HTTP.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startApp } from '../../../src/app/startApp';
import { loadSettings, type Settings } from '../../../src/config/settings';
import { hashApiKey } from '../../../src/crypto/hashApiKey';
import { TABLES } from '../../../src/database/tables';
import { ApiError } from '../../../src/errors/ApiError';
import { StartupError } from '../../../src/errors/StartupError';
import { createLogger } from '../../../src/server/logger';
import { REQUEST_LOG_MESSAGE, type RequestLogLine } from '../../../src/server/requestLog';
import { addModel, createUser, generateKey, keyWithRole, teamWithKeys } from '../../support/fixtures';
import { testDatabaseKinds } from '../../support/testDatabases';
import { captureLog, type GraphqlResponse, postGraphql, serverForEachFile, TEST_MASTER_KEY } from '../../support/testServer';

const ME = '{ me { authenticated userId role teamId isTeamAdmin } }';
/** Any query guarded by @auth. */
const PROTECTED = '{ models(first: 1) { totalCount } }';

async function postWithHeaders(baseUrl: string, headers: Record<string, string>, query: string): Promise<GraphqlResponse> {
  const response = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, ...((await response.json()) as Omit<GraphqlResponse, 'status'>) };
}

describe.each(testDatabaseKinds())('who is calling, on %s', (kind) => {
  // The reason a key was refused is written only to the log.
  const log = captureLog('info');
  const handle = serverForEachFile(kind, undefined, { log });

  /** The newest request log line: the one of the request just made (tests here run one after the other). */
  function lastRequestLine(): RequestLogLine {
    const lines = log.lines() as (RequestLogLine & { msg: string })[];
    return lines.filter((line) => line.msg === REQUEST_LOG_MESSAGE).at(-1)!;
  }

  /** A key row written the way the proxy writes it: the sha256 hex of the raw key, nothing else. */
  async function insertKey(rawKey: string, columns: { userId?: string | null; teamId?: string | null; expires?: Date | null; blocked?: boolean } = {}) {
    await handle.server.sql(`INSERT INTO "${TABLES.verificationToken}" (token, user_id, team_id, expires, blocked) VALUES (?, ?, ?, ?, ?)`, [
      hashApiKey(rawKey),
      columns.userId ?? null,
      columns.teamId ?? null,
      columns.expires ?? null,
      columns.blocked ?? false,
    ]);
  }

  async function insertUser(userId: string, role: string | null) {
    await handle.server.sql(`INSERT INTO "${TABLES.user}" (user_id, user_role) VALUES (?, ?)`, [userId, role]);
  }

  /** Refused with the one UNAUTHENTICATED message every bad key gets; the server's log line says why. */
  function expectUnauthenticated(response: GraphqlResponse, reason: RegExp) {
    expect(response.data).toBeNull();
    expect(response.errors).toHaveLength(1);
    expect(response.errors![0]).toMatchObject({ path: ['models'], extensions: { code: 'UNAUTHENTICATED' } });
    expect(response.errors![0].message).toBe(ApiError.unauthenticated().message);
    expect(lastRequestLine().keyRefused).toMatch(reason);
  }

  describe('the master key', () => {
    it('in `Authorization: Bearer` is proxy_admin with user id default_user_id', async () => {
      const response = await postWithHeaders(handle.server.url, { authorization: `Bearer ${TEST_MASTER_KEY}` }, ME);
      expect(response.data).toEqual({ me: { authenticated: true, userId: 'default_user_id', role: 'PROXY_ADMIN', teamId: null, isTeamAdmin: false } });
    });

    it('in `x-litellm-api-key` is proxy_admin too, and opens protected queries', async () => {
      const me = await postWithHeaders(handle.server.url, { 'x-litellm-api-key': TEST_MASTER_KEY }, ME);
      expect(me.data?.me).toMatchObject({ authenticated: true, userId: 'default_user_id', role: 'PROXY_ADMIN' });
      const models = await postWithHeaders(handle.server.url, { 'x-litellm-api-key': TEST_MASTER_KEY }, PROTECTED);
      expect(models.errors).toBeUndefined();
      expect(models.data?.models.totalCount).toEqual(expect.any(Number));
    });

    it('with a different key of the same length is refused', async () => {
      const lookalike = TEST_MASTER_KEY.slice(0, -1) + (TEST_MASTER_KEY.endsWith('9') ? '8' : '9');
      expectUnauthenticated(await handle.server.graphql(PROTECTED, undefined, lookalike), /not valid/);
    });
  });

  describe('sk- keys', () => {
    it('are found by the sha256 hex of the key, as the proxy stores them', async () => {
      const userId = `proxy-user-${randomUUID()}`;
      const rawKey = `sk-${randomUUID()}`;
      await insertUser(userId, 'proxy_admin_viewer');
      await insertKey(rawKey, { userId });
      const response = await handle.server.graphql(ME, undefined, rawKey);
      expect(response.data?.me).toEqual({ authenticated: true, userId, role: 'PROXY_ADMIN_VIEWER', teamId: null, isTeamAdmin: false });
    });

    it('work in `x-litellm-api-key` as in `Authorization`', async () => {
      const { userId, key } = await keyWithRole(handle.server, 'INTERNAL_USER');
      const response = await postWithHeaders(handle.server.url, { 'x-litellm-api-key': key }, ME);
      expect(response.data?.me).toMatchObject({ authenticated: true, userId, role: 'INTERNAL_USER' });
    });

    it('are generated once: only their hash is stored, never the key', async () => {
      const userId = await createUser(handle.server);
      const { key, token } = await generateKey(handle.server, userId);
      expect(key).toMatch(/^sk-/);
      expect(token).toBe(hashApiKey(key));
      const rows = await handle.server.sql<{ row: string }>(`SELECT row_to_json(t)::text AS row FROM "${TABLES.verificationToken}" t WHERE token = ?`, [token]);
      expect(rows).toHaveLength(1);
      expect(rows[0].row).not.toContain(key);
      const audit = await handle.server.sql<{ row: string }>(`SELECT row_to_json(a)::text AS row FROM "${TABLES.auditLog}" a`);
      expect(audit.map((entry) => entry.row).join('\n')).not.toContain(key);
    });

    it.each(['PROXY_ADMIN', 'PROXY_ADMIN_VIEWER', 'ORG_ADMIN', 'INTERNAL_USER', 'INTERNAL_USER_VIEWER', 'TEAM', 'CUSTOMER'])(
      'take the role %s from LiteLLM_UserTable.user_role of their user',
      async (role) => {
        const { userId, key } = await keyWithRole(handle.server, role);
        expect((await handle.server.graphql(ME, undefined, key)).data?.me).toEqual({ authenticated: true, userId, role, teamId: null, isTeamAdmin: false });
      },
    );

    it.each([
      ['an unknown role', 'super_user'],
      ['no role', null],
    ])('whose user has %s are INTERNAL_USER', async (_case, storedRole) => {
      const userId = `proxy-user-${randomUUID()}`;
      const rawKey = `sk-${randomUUID()}`;
      await insertUser(userId, storedRole);
      await insertKey(rawKey, { userId });
      expect((await handle.server.graphql(ME, undefined, rawKey)).data?.me).toMatchObject({ authenticated: true, userId, role: 'INTERNAL_USER' });
    });

    it('without a user are INTERNAL_USER', async () => {
      const rawKey = `sk-${randomUUID()}`;
      await insertKey(rawKey);
      expect((await handle.server.graphql(ME, undefined, rawKey)).data?.me).toMatchObject({ authenticated: true, role: 'INTERNAL_USER', teamId: null, isTeamAdmin: false });
    });

    it("take their team from the key row, and team admin from the team's members_with_roles", async () => {
      const team = await teamWithKeys(handle.server);
      expect((await handle.server.graphql(ME, undefined, team.adminKey)).data?.me).toEqual({
        authenticated: true,
        userId: team.adminId,
        role: 'INTERNAL_USER',
        teamId: team.teamId,
        isTeamAdmin: true,
      });
      expect((await handle.server.graphql(ME, undefined, team.memberKey)).data?.me).toEqual({
        authenticated: true,
        userId: team.memberId,
        role: 'INTERNAL_USER',
        teamId: team.teamId,
        isTeamAdmin: false,
      });
    });

    it('of a team admin without a team are no team admin', async () => {
      const team = await teamWithKeys(handle.server);
      const { key } = await generateKey(handle.server, team.adminId);
      expect((await handle.server.graphql(ME, undefined, key)).data?.me).toMatchObject({ teamId: null, isTeamAdmin: false });
    });

    it('that expire in the future work', async () => {
      const userId = await createUser(handle.server);
      const { key } = await generateKey(handle.server, userId, undefined, new Date(Date.now() + 3_600_000).toISOString());
      const response = await handle.server.graphql(PROTECTED, undefined, key);
      expect(response.errors).toBeUndefined();
    });

    it('record their hash, never the key, in the audit trail of what they change', async () => {
      const team = await teamWithKeys(handle.server);
      const model = await addModel(handle.server, { key: team.adminKey, modelInfo: { team_id: team.teamId } });
      const [entry] = await handle.server.sql<{ changed_by: string; changed_by_api_key: string }>(
        `SELECT changed_by, changed_by_api_key FROM "${TABLES.auditLog}" WHERE object_id = ? AND table_name = ?`,
        [model.id, TABLES.proxyModel],
      );
      expect(entry).toEqual({ changed_by: team.adminId, changed_by_api_key: hashApiKey(team.adminKey) });
    });
  });

  describe('a refused key is UNAUTHENTICATED on a protected query, with one message for all, and the reason in the log', () => {
    it('no key at all', async () => {
      expectUnauthenticated(await handle.server.graphql(PROTECTED, undefined, null), /No API key was sent/);
    });

    it('garbage', async () => {
      expectUnauthenticated(await handle.server.graphql(PROTECTED, undefined, 'garbage!'), /API key is not valid/);
    });

    it('an empty Bearer', async () => {
      expectUnauthenticated(await postWithHeaders(handle.server.url, { authorization: 'Bearer ' }, PROTECTED), /No API key was sent/);
    });

    it('an sk- key that was never issued', async () => {
      expectUnauthenticated(await handle.server.graphql(PROTECTED, undefined, `sk-${randomUUID()}`), /API key is not valid/);
    });

    it('a key not starting with sk-, even when its hash is stored', async () => {
      const userId = await createUser(handle.server, 'PROXY_ADMIN');
      const rawKey = `pk-${randomUUID()}`;
      await insertKey(rawKey, { userId });
      expectUnauthenticated(await handle.server.graphql(PROTECTED, undefined, rawKey), /API key is not valid/);
    });

    it('an expired key', async () => {
      const { key } = await keyWithRole(handle.server, 'PROXY_ADMIN');
      await handle.server.sql(`UPDATE "${TABLES.verificationToken}" SET expires = ? WHERE token = ?`, [new Date(Date.now() - 1000), hashApiKey(key)]);
      expectUnauthenticated(await handle.server.graphql(PROTECTED, undefined, key), /expired/);
    });

    it('a blocked key', async () => {
      const { key } = await keyWithRole(handle.server, 'PROXY_ADMIN');
      await handle.server.sql(`UPDATE "${TABLES.verificationToken}" SET blocked = true WHERE token = ?`, [hashApiKey(key)]);
      expectUnauthenticated(await handle.server.graphql(PROTECTED, undefined, key), /blocked/);
    });

    it('the key of a deleted user', async () => {
      const { userId, key } = await keyWithRole(handle.server, 'PROXY_ADMIN');
      await handle.server.sql(`DELETE FROM "${TABLES.user}" WHERE user_id = ?`, [userId]);
      expectUnauthenticated(await handle.server.graphql(PROTECTED, undefined, key), /user no longer exists/);
    });

    it('the key of a blocked team', async () => {
      const team = await teamWithKeys(handle.server);
      await handle.server.sql(`UPDATE "${TABLES.team}" SET blocked = true WHERE team_id = ?`, [team.teamId]);
      expectUnauthenticated(await handle.server.graphql(PROTECTED, undefined, team.adminKey), /team is blocked/);
    });

    it('and `me` answers authenticated: false for it', async () => {
      const response = await handle.server.graphql(ME, undefined, `sk-${randomUUID()}`);
      expect(response.errors).toBeUndefined();
      expect(response.data).toEqual({ me: { authenticated: false, userId: null, role: null, teamId: null, isTeamAdmin: false } });
    });
  });
});

describe('where the master key comes from', () => {
  function settings(overrides: Partial<Settings>): Settings {
    return { ...loadSettings({}), port: 0, host: '127.0.0.1', configFile: undefined, masterKey: undefined, ...overrides };
  }

  it('on a real database with no master key, the server refuses to start', async () => {
    const start = startApp(settings({ databaseUrl: 'postgres://postgres@127.0.0.1:1/none' }), createLogger('silent'));
    await expect(start).rejects.toThrow(StartupError);
    await expect(start).rejects.toThrow(/LITELLM_MASTER_KEY/);
  });

  it('on the embedded database with none, one is generated at first start, stored 0600, printed once and kept', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mag-master-key-'));
    const printed = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      const first = await startApp(settings({ dataDir }), createLogger('silent'));
      const firstOutput = printed.mock.calls.map(([chunk]) => String(chunk)).join('');
      await first.stop();
      const key = /\n {2}(sk-\S+)\n/.exec(firstOutput)?.[1];
      expect(key).toBeDefined();
      const file = path.join(dataDir, 'master-key');
      expect(statSync(file).mode & 0o777).toBe(0o600);

      printed.mockClear();
      const second = await startApp(settings({ dataDir }), createLogger('silent'));
      try {
        expect(printed.mock.calls.map(([chunk]) => String(chunk)).join('')).not.toContain(key);
        const me = await postGraphql<{ me: Record<string, unknown> }>(second.url, ME, undefined, key!);
        expect(me.data?.me).toMatchObject({ authenticated: true, role: 'PROXY_ADMIN', userId: 'default_user_id' });
      } finally {
        await second.stop();
      }
    } finally {
      printed.mockRestore();
    }
  });
});
