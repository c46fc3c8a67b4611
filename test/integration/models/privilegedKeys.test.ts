// The keys only proxy admins may set, change or remove (SPEC "Privileged keys"): model_info.access_groups,
// litellm_params.aws_session_tags, litellm_params.litellm_credential_name and blocked. A team admin who may otherwise
// change a team model is refused them through the API, and also when a change reaches the ORM by any other path:
// the flush itself (ModelChangeGuard) refuses it and the whole transaction rolls back.
import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AuthenticatedPrincipal } from '../../../src/access/Principal';
import { UserRole } from '../../../src/access/UserRole';
import { hashApiKey } from '../../../src/crypto/hashApiKey';
import { ProxyModel } from '../../../src/database/entities/ProxyModel';
import { TABLES } from '../../../src/database/tables';
import { actingAs } from '../../../src/request/RequestScope';
import { addModel, teamWithKeys } from '../../support/fixtures';
import { testDatabaseKinds } from '../../support/testDatabases';
import { auditRowsOf } from '../../support/auditTrail';
import { ADD_MODEL, expectError, expectTablesUnchanged, PATCH_MODEL, storedModel, UPDATE_MODEL } from '../../support/modelApi';
import { serverForEachFile } from '../../support/testServer';

const TAGS = [
  { Key: 'project', Value: 'alpha' },
  { Key: 'cost-centre', Value: '42' },
];

describe.each(testDatabaseKinds())('privileged keys on %s', (kind) => {
  const handle = serverForEachFile(kind);
  let team: Awaited<ReturnType<typeof teamWithKeys>>;
  beforeAll(async () => {
    team = await teamWithKeys(handle.server);
  });

  const patch = (id: string, body: Record<string, unknown>, key = team.adminKey) => handle.server.graphql(PATCH_MODEL, { id, patch: body }, key);
  const teamModel = (litellmParams: Record<string, unknown> = {}, modelInfo: Record<string, unknown> = {}) =>
    addModel(handle.server, { litellmParams: { model: 'openai/gpt-4o', ...litellmParams }, modelInfo: { team_id: team.teamId, ...modelInfo } });

  describe('through the API', () => {
    it.each([
      ['model_info.access_groups', {}, { access_groups: ['premium'] }],
      ['litellm_params.aws_session_tags', { aws_session_tags: TAGS }, {}],
    ])('a team admin may not add a team model with %s', async (path, litellmParams, modelInfo) => {
      const response = await expectTablesUnchanged(handle.server, () =>
        handle.server.graphql(ADD_MODEL, { input: { modelName: 'team-model', litellmParams: { model: 'openai/gpt-4o', ...litellmParams }, modelInfo: { team_id: team.teamId, ...modelInfo } } }, team.adminKey),
      );
      expect(expectError(response, 'FORBIDDEN').message).toBe(`Only a proxy admin may set, change or remove ${path}.`);
    });

    it.each([
      ['set model_info.access_groups', () => teamModel(), { modelInfo: { access_groups: ['premium'] } }],
      ['change model_info.access_groups', () => teamModel({}, { access_groups: ['basic'] }), { modelInfo: { access_groups: ['basic', 'premium'] } }],
      ['remove model_info.access_groups', () => teamModel({}, { access_groups: ['basic'] }), { modelInfo: { access_groups: null } }],
      ['set litellm_params.aws_session_tags', () => teamModel(), { litellmParams: { aws_session_tags: TAGS } }],
      ['change litellm_params.aws_session_tags', () => teamModel({ aws_session_tags: TAGS }), { litellmParams: { aws_session_tags: [TAGS[0]] } }],
      ['remove litellm_params.aws_session_tags', () => teamModel({ aws_session_tags: TAGS }), { litellmParams: { aws_session_tags: null } }],
    ])('a team admin may not %s on its team model (patchModel)', async (_what, makeModel, body) => {
      const model = await makeModel();
      const response = await expectTablesUnchanged(handle.server, () => patch(model.id, body));
      expect(expectError(response, 'FORBIDDEN').message).toMatch(/^Only a proxy admin may set, change or remove (model_info\.access_groups|litellm_params\.aws_session_tags)\.$/);
    });

    it('a team admin may not set aws_session_tags through updateModel either', async () => {
      const model = await teamModel();
      const response = await expectTablesUnchanged(handle.server, () => handle.server.graphql(UPDATE_MODEL, { input: { id: model.id, litellmParams: { aws_session_tags: TAGS } } }, team.adminKey));
      expectError(response, 'FORBIDDEN');
    });

    it('a team admin may send the same access groups and session tags back, in any order, with another change', async () => {
      const model = await teamModel({ aws_session_tags: TAGS }, { access_groups: ['basic', 'premium'] });
      const response = await patch(model.id, { litellmParams: { aws_session_tags: [...TAGS].reverse(), rpm: 11 }, modelInfo: { access_groups: ['premium', 'basic'], note: 'kept' } });
      expect(response.errors).toBeUndefined();
      expect((await storedModel(handle.server, model.id))!.model_info).toMatchObject({ note: 'kept' });
    });

    it('a proxy admin may set, change and remove them', async () => {
      const model = await teamModel();
      for (const body of [
        { litellmParams: { aws_session_tags: TAGS }, modelInfo: { access_groups: ['premium'] } },
        { litellmParams: { aws_session_tags: [TAGS[1]] }, modelInfo: { access_groups: ['basic'] } },
        { litellmParams: { aws_session_tags: null }, modelInfo: { access_groups: null } },
      ]) {
        expect((await handle.server.graphql(PATCH_MODEL, { id: model.id, patch: body })).errors).toBeUndefined();
      }
      const stored = await storedModel(handle.server, model.id);
      expect(stored!.litellm_params).not.toHaveProperty('aws_session_tags');
      expect(stored!.model_info).not.toHaveProperty('access_groups');
    });
  });

  describe('in the flush, when the service is bypassed', () => {
    let teamAdmin: AuthenticatedPrincipal;
    beforeAll(() => {
      teamAdmin = { authenticated: true, userId: team.adminId, role: UserRole.INTERNAL_USER, teamId: team.teamId, isTeamAdmin: true, keyHash: hashApiKey(team.adminKey) };
    });

    /** Changes the model through the server's own ORM, as a code path that skipped ModelService's checks would. */
    function changeThroughOrm(id: string, change: (model: ProxyModel) => void): Promise<void> {
      return actingAs(teamAdmin, () =>
        handle.server.app.orm.em.fork().transactional(async (em: EntityManager) => {
          const model = await em.findOneOrFail(ProxyModel, { modelId: id });
          change(model);
          model.updatedAt = new Date();
        }),
      );
    }

    it('lets a change of an ordinary key through, audited (the control: the path itself works)', async () => {
      const model = await teamModel();
      await changeThroughOrm(model.id, (row) => (row.litellmParams = { ...row.litellmParams, rpm: 99 }));
      expect((await storedModel(handle.server, model.id))!.litellm_params.rpm).toBe(99);
      expect((await auditRowsOf(handle.server, model.id)).map((row) => row.action)).toEqual(['created', 'updated']);
    });

    it.each([
      ['model_info.access_groups', (row: ProxyModel) => (row.modelInfo = { ...row.modelInfo, access_groups: ['premium'] })],
      ['litellm_params.aws_session_tags', (row: ProxyModel) => (row.litellmParams = { ...row.litellmParams, aws_session_tags: TAGS })],
      ['litellm_params.litellm_credential_name', (row: ProxyModel) => (row.litellmParams = { ...row.litellmParams, litellm_credential_name: `any-${randomUUID()}` })],
      ['blocked', (row: ProxyModel) => (row.blocked = true)],
    ])('refuses a team admin changing %s, and the transaction writes nothing', async (path, change) => {
      const model = await teamModel();
      await expectTablesUnchanged(handle.server, async () => {
        await expect(changeThroughOrm(model.id, change)).rejects.toMatchObject({
          extensions: { code: 'FORBIDDEN' },
          message: `Only a proxy admin may set, change or remove ${path}.`,
        });
      });
    });

    it('refuses a team admin creating a model that carries a privileged key', async () => {
      const id = `flush-${randomUUID()}`;
      await expectTablesUnchanged(handle.server, async () => {
        await expect(
          actingAs(teamAdmin, () =>
            handle.server.app.orm.em.fork().transactional(async (em: EntityManager) => {
              em.create(ProxyModel, {
                modelId: id,
                modelName: 'flush-created',
                litellmParams: { model: 'openai/gpt-4o' },
                modelInfo: { team_id: team.teamId, access_groups: ['premium'] },
                createdBy: team.adminId,
                updatedBy: team.adminId,
              });
            }),
          ),
        ).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN' } });
      });
      expect(await handle.server.sql(`select 1 from "${TABLES.proxyModel}" where model_id = ?`, [id])).toEqual([]);
    });
  });
});
