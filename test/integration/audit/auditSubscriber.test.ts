// The unit of work writes the audit trail: one row per changed row, in the same transaction, or nothing.
import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AuthenticatedPrincipal } from '../../../src/access/Principal';
import { UserRole } from '../../../src/access/UserRole';
import { AtRestCipher } from '../../../src/crypto/AtRestCipher';
import { hashApiKey } from '../../../src/crypto/hashApiKey';
import { encryptLitellmParams } from '../../../src/crypto/litellmParamsAtRest';
import { UnattributedChangeError } from '../../../src/errors/UnattributedChangeError';
import { actingAs } from '../../../src/request/RequestScope';
import { ProxyModel } from '../../../src/database/entities/ProxyModel';
import { Team } from '../../../src/database/entities/Team';
import { TeamModelAliases } from '../../../src/database/entities/TeamModelAliases';
import { User } from '../../../src/database/entities/User';
import { VerificationToken } from '../../../src/database/entities/VerificationToken';
import { TABLES } from '../../../src/database/tables';
import { auditRowsOf } from '../../support/auditTrail';
import { storedRow, type SqlRunner } from '../../support/storedRows';
import { testDatabaseKinds } from '../../support/testDatabases';
import { ormForEachFile } from '../../support/testOrm';

const MASTER_KEY = 'sk-audit-test-master-key';
const ACTOR: AuthenticatedPrincipal = {
  authenticated: true,
  userId: 'default_user_id',
  role: UserRole.PROXY_ADMIN,
  teamId: null,
  isTeamAdmin: false,
  keyHash: hashApiKey(MASTER_KEY),
};
const CIPHER = AtRestCipher.create({ saltKey: MASTER_KEY, algorithm: 'aes-256-gcm' });
const PROVIDER_SECRET = 'sk-provider-secret-0123456789';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function newModel(em: EntityManager, overrides: Partial<ProxyModel> = {}): ProxyModel {
  const modelId = randomUUID();
  return em.create(ProxyModel, {
    modelId,
    modelName: 'gpt-4o',
    litellmParams: encryptLitellmParams({ model: 'openai/gpt-4o', api_key: PROVIDER_SECRET, rpm: 60 }, CIPHER),
    modelInfo: { id: modelId },
    createdBy: ACTOR.userId,
    updatedBy: ACTOR.userId,
    ...overrides,
  });
}

describe.each(testDatabaseKinds())('the audit subscriber on %s', (kind) => {
  const handle = ormForEachFile(kind);

  // Through the ORM's own pool: PGlite serves one connection at a time.
  const ormSql: SqlRunner = { sql: (text, values = []) => handle.orm.em.fork().getConnection().execute(text, values as unknown[]) as Promise<any[]> };
  const asActor = <T>(fn: (em: EntityManager) => Promise<T>) => actingAs(ACTOR, () => fn(handle.orm.em.fork()));
  const countRows = async (table: string) => Number((await ormSql.sql<{ count: string }>(`select count(*) as count from "${table}"`))[0].count);

  async function createModel(overrides: Partial<ProxyModel> = {}): Promise<string> {
    return asActor(async (em) => {
      const model = newModel(em, overrides);
      await em.flush();
      return model.modelId;
    });
  }

  it('creating a model writes one created row: nothing before, its full row after', async () => {
    const modelId = await createModel();

    const rows = await auditRowsOf(ormSql, modelId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      action: 'created',
      table_name: TABLES.proxyModel,
      object_id: modelId,
      before_value: null,
      changed_by: ACTOR.userId,
      changed_by_api_key: ACTOR.keyHash,
    });
    expect(rows[0].id).toMatch(UUID);
    expect(rows[0].updated_values).toEqual(await storedRow(ormSql, TABLES.proxyModel, 'model_id', modelId));
  });

  it('keeps litellm_params as stored: ciphertext, never the plaintext secret', async () => {
    const modelId = await createModel();

    const [row] = await auditRowsOf(ormSql, modelId);
    const stored = await storedRow(ormSql, TABLES.proxyModel, 'model_id', modelId);
    expect(row.updated_values!.litellm_params).toEqual(stored!.litellm_params);
    expect((row.updated_values!.litellm_params as Record<string, unknown>).api_key).not.toBe(PROVIDER_SECRET);
    expect(JSON.stringify(row)).not.toContain(PROVIDER_SECRET);
  });

  it('updating a model writes one updated row with the row before and after', async () => {
    const modelId = await createModel();
    const rowBefore = await storedRow(ormSql, TABLES.proxyModel, 'model_id', modelId);

    await asActor(async (em) => {
      const model = await em.findOneOrFail(ProxyModel, { modelId });
      model.modelName = 'gpt-4o-renamed';
      model.litellmParams = { ...model.litellmParams, ...encryptLitellmParams({ api_key: 'sk-rotated-secret-000' }, CIPHER) };
      model.updatedAt = new Date();
      await em.flush();
    });

    const updates = (await auditRowsOf(ormSql, modelId)).filter((row) => row.action === 'updated');
    expect(updates).toHaveLength(1);
    expect(updates[0].before_value).toEqual(rowBefore);
    expect(updates[0].updated_values).toEqual(await storedRow(ormSql, TABLES.proxyModel, 'model_id', modelId));
    expect(updates[0].updated_values!.model_name).toBe('gpt-4o-renamed');
  });

  it('deleting a model writes one deleted row with the row before and nothing after', async () => {
    const modelId = await createModel();
    const rowBefore = await storedRow(ormSql, TABLES.proxyModel, 'model_id', modelId);

    await asActor(async (em) => {
      em.remove(await em.findOneOrFail(ProxyModel, { modelId }));
      await em.flush();
    });

    const deletes = (await auditRowsOf(ormSql, modelId)).filter((row) => row.action === 'deleted');
    expect(deletes).toHaveLength(1);
    expect(deletes[0]).toMatchObject({ table_name: TABLES.proxyModel, updated_values: null, changed_by: ACTOR.userId });
    expect(deletes[0].before_value).toEqual(rowBefore);
    expect(await storedRow(ormSql, TABLES.proxyModel, 'model_id', modelId)).toBeUndefined();
  });

  it('deleting a model nobody loaded still records its full row before', async () => {
    const modelId = await createModel();
    const rowBefore = await storedRow(ormSql, TABLES.proxyModel, 'model_id', modelId);

    await asActor(async (em) => {
      em.remove(em.getReference(ProxyModel, modelId));
      await em.flush();
    });

    const deletes = (await auditRowsOf(ormSql, modelId)).filter((row) => row.action === 'deleted');
    expect(deletes).toHaveLength(1);
    expect(deletes[0].before_value).toEqual(rowBefore);
  });

  it('a flush that changes two tables in one transaction writes one row for each', async () => {
    const userId = `user-${randomUUID()}`;
    const token = hashApiKey(`sk-${randomUUID()}`);

    await asActor((em) =>
      em.transactional(async (tx) => {
        tx.create(User, { userId, userRole: 'internal_user', userEmail: 'someone@example.com' });
        tx.create(VerificationToken, { token, userId, keyAlias: 'ci' });
      }),
    );

    const userRows = await auditRowsOf(ormSql, userId);
    const keyRows = await auditRowsOf(ormSql, token);
    expect(userRows.map((row) => [row.action, row.table_name])).toEqual([['created', TABLES.user]]);
    expect(keyRows.map((row) => [row.action, row.table_name])).toEqual([['created', TABLES.verificationToken]]);
    expect(userRows[0].updated_values).toEqual(await storedRow(ormSql, TABLES.user, 'user_id', userId));
    expect(keyRows[0].updated_values).toEqual(await storedRow(ormSql, TABLES.verificationToken, 'token', token));
  });

  it("a team's new alias row is audited under its serial id, the one the team points at", async () => {
    const teamId = `team-${randomUUID()}`;

    await asActor(async (em) => {
      const aliases = em.create(TeamModelAliases, { aliases: { 'gpt-4o': `model_name_${teamId}_x` }, createdBy: ACTOR.userId, updatedBy: ACTOR.userId });
      em.create(Team, { teamId, teamAlias: 'Platform', models: ['gpt-4o'], membersWithRoles: [{ user_id: 'u1', role: 'admin' }], modelAliases: aliases });
      await em.flush();
    });

    const team = await storedRow(ormSql, TABLES.team, 'team_id', teamId);
    expect(team!.model_id).toEqual(expect.any(Number));
    const [teamEntry] = await auditRowsOf(ormSql, teamId);
    expect(teamEntry.updated_values).toMatchObject({ team_id: teamId, model_id: team!.model_id, models: ['gpt-4o'], members_with_roles: [{ user_id: 'u1', role: 'admin' }] });
    const aliasEntries = await auditRowsOf(ormSql, String(team!.model_id));
    expect(aliasEntries.map((row) => [row.action, row.table_name])).toEqual([['created', TABLES.teamModelAliases]]);
    expect(aliasEntries[0].updated_values).toEqual(await storedRow(ormSql, TABLES.teamModelAliases, 'id', team!.model_id as number));
  });

  it('giving an existing team its first alias row records the team update pointing at the new id', async () => {
    const teamId = `team-${randomUUID()}`;
    await asActor(async (em) => {
      em.create(Team, { teamId, teamAlias: 'Research' });
      await em.flush();
    });

    await asActor((em) =>
      em.transactional(async (tx) => {
        const team = await tx.findOneOrFail(Team, { teamId });
        team.modelAliases = tx.create(TeamModelAliases, { aliases: { 'claude': `model_name_${teamId}_y` }, createdBy: ACTOR.userId, updatedBy: ACTOR.userId });
        team.models = ['claude'];
      }),
    );

    const team = await storedRow(ormSql, TABLES.team, 'team_id', teamId);
    expect(team!.model_id).toEqual(expect.any(Number));
    const update = (await auditRowsOf(ormSql, teamId)).find((row) => row.action === 'updated')!;
    expect(update.before_value).toMatchObject({ model_id: null, models: [] });
    expect(update.updated_values).toMatchObject({ model_id: team!.model_id, models: ['claude'] });
    expect((await auditRowsOf(ormSql, String(team!.model_id))).map((row) => row.action)).toEqual(['created']);
  });

  it('an update that changes nothing writes no row', async () => {
    const modelId = await createModel();

    await asActor(async (em) => {
      const model = await em.findOneOrFail(ProxyModel, { modelId });
      model.modelName = `${model.modelName}`;
      model.litellmParams = { ...model.litellmParams };
      await em.flush();
    });

    expect((await auditRowsOf(ormSql, modelId)).map((row) => row.action)).toEqual(['created']);
  });

  it('a change with no actor to attribute it to fails and writes nothing', async () => {
    const modelsBefore = await countRows(TABLES.proxyModel);
    const entriesBefore = await countRows(TABLES.auditLog);

    const em = handle.orm.em.fork();
    newModel(em);
    const flush = em.flush();
    await expect(flush).rejects.toThrow(UnattributedChangeError);
    await expect(flush).rejects.toThrow(/cannot be attributed/);

    expect(await countRows(TABLES.proxyModel)).toBe(modelsBefore);
    expect(await countRows(TABLES.auditLog)).toBe(entriesBefore);
  });

  it('when the audit row cannot be written, the whole transaction fails and nothing is written', async () => {
    const teamId = `team-${randomUUID()}`;
    const modelId = randomUUID();
    const entriesBefore = await countRows(TABLES.auditLog);
    await ormSql.sql(`ALTER TABLE "${TABLES.auditLog}" ADD CONSTRAINT audit_reject CHECK (false) NOT VALID`);
    try {
      await expect(
        asActor((em) =>
          em.transactional(async (tx) => {
            tx.create(Team, { teamId, teamAlias: 'Doomed' });
            await tx.flush();
            newModel(tx, { modelId });
          }),
        ),
      ).rejects.toThrow(/audit_reject/);
    } finally {
      await ormSql.sql(`ALTER TABLE "${TABLES.auditLog}" DROP CONSTRAINT audit_reject`);
    }

    expect(await storedRow(ormSql, TABLES.team, 'team_id', teamId)).toBeUndefined();
    expect(await storedRow(ormSql, TABLES.proxyModel, 'model_id', modelId)).toBeUndefined();
    expect(await countRows(TABLES.auditLog)).toBe(entriesBefore);
  });
});
