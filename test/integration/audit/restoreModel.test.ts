// restoreModel: a model put back as it was right after an audit entry (right before a `deleted` one, which undeletes it
// with its id), in one transaction, team membership following as a moving patch; audited as an ordinary change and
// remembered in our own table (AuditLog.restoredFrom). Each refusal writes nothing.
import { isDeepStrictEqual } from 'node:util';
import { AtRestCipher } from '../../../src/crypto/AtRestCipher';
import { decryptLitellmParams } from '../../../src/crypto/litellmParamsAtRest';
import { OWN_TABLES, TABLES } from '../../../src/database/tables';
import { auditRowsOf, insertLegacyAuditRow, type StoredAuditRow } from '../../support/auditTrail';
import { addModel, createTeam, keyWithRole, teamWithKeys } from '../../support/fixtures';
import {
  DELETE_MODEL,
  expectError,
  expectTablesUnchanged,
  PATCH_MODEL,
  rawGraphql,
  serverOverProxySchema,
  storedModel,
  teamAliases,
  teamRow,
  UPDATE_MODEL,
  writeConfigFile,
} from '../../support/modelApi';
import { testDatabaseKinds } from '../../support/testDatabases';
import { serverForEachFile, TEST_MASTER_KEY, type TestServer } from '../../support/testServer';

const CIPHER = AtRestCipher.create({ saltKey: TEST_MASTER_KEY, algorithm: 'aes-256-gcm' });
const RESTORE = `mutation ($id: ID!, $expected: DateTime) {
  restoreModel(auditLogId: $id, expectedUpdatedAt: $expected) { id modelName publicModelName teamId litellmParams modelInfo createdAt createdBy updatedAt updatedBy }
}`;
const HISTORY = `query ($id: ID!, $first: Int) {
  modelHistory(id: $id, first: $first) { totalCount edges { node { id action updatedAt restoredFrom { id action } } } }
}`;
const DELETED = `query { deletedModels(first: 100) { totalCount edges { node { id objectId action beforeValue } } } }`;

/** litellm_params as stored, decrypted. */
async function storedParams(server: TestServer, id: string): Promise<Record<string, unknown>> {
  return decryptLitellmParams((await storedModel(server, id))!.litellm_params, CIPHER);
}

/** The model's audit entries, newest first, as modelHistory lists them. */
async function history(server: TestServer, id: string, key?: string): Promise<{ id: string; action: string; updatedAt: string; restoredFrom: { id: string } | null }[]> {
  const response = await server.graphql(HISTORY, { id, first: 100 }, key);
  expect(response.errors).toBeUndefined();
  return response.data!.modelHistory.edges.map((edge: { node: unknown }) => edge.node);
}

async function restore(server: TestServer, auditLogId: string, key?: string, expected?: string) {
  return server.graphql(RESTORE, { id: auditLogId, expected }, key);
}

async function restoreRows(server: TestServer): Promise<{ audit_log_id: string; restored_from_audit_log_id: string }[]> {
  return server.sql(`select audit_log_id, restored_from_audit_log_id from "${OWN_TABLES.restores}" order by created_at, audit_log_id`);
}

/** The parts of a model row a restore puts back, decrypted. */
function restorableState(row: Record<string, any> | null) {
  return row && { model_name: row.model_name, model_info: row.model_info, litellm_params: decryptLitellmParams(row.litellm_params, CIPHER) };
}

describe.each(testDatabaseKinds())('restoreModel on %s', (kind) => {
  const handle = serverForEachFile(kind);
  const server = () => handle.server;

  it('puts the model back as it was right after an update, audited as `updated` and remembered as restored from that entry', async () => {
    const model = await addModel(server(), { litellmParams: { model: 'openai/gpt-4o', api_key: 'sk-original-0123456789', temperature: 0.1 } });
    await server().graphql(UPDATE_MODEL, { input: { id: model.id, litellmParams: { temperature: 0.5, api_key: 'sk-changed-0123456789' } } });
    const [updated] = await history(server(), model.id);
    await server().graphql(PATCH_MODEL, { id: model.id, patch: { litellmParams: { temperature: 0.9, top_p: 0.3 }, modelName: 'renamed' } });

    const response = await restore(server(), updated.id);
    expect(response.errors).toBeUndefined();
    expect(response.data!.restoreModel).toMatchObject({ id: model.id, modelName: model.modelName, updatedBy: 'default_user_id', createdAt: model.createdAt });
    expect(await storedParams(server(), model.id)).toEqual({ model: 'openai/gpt-4o', api_key: 'sk-changed-0123456789', temperature: 0.5 });

    const [newest] = await history(server(), model.id);
    expect(newest).toMatchObject({ action: 'UPDATED', restoredFrom: { id: updated.id, action: 'UPDATED' } });
    expect(await restoreRows(server())).toContainEqual({ audit_log_id: newest.id, restored_from_audit_log_id: updated.id });
    const rows = await auditRowsOf(server(), model.id);
    const row = rows.find((entry) => entry.id === newest.id)!;
    expect(row).toMatchObject({ action: 'updated', table_name: TABLES.proxyModel, changed_by: 'default_user_id' });
    expect(restorableState(row.updated_values)).toEqual(restorableState(rows.find((entry) => entry.id === updated.id)!.updated_values));
  });

  it('after a patch that removed keys with null, restoring it removes them again; restoring the creation brings them back', async () => {
    const model = await addModel(server(), {
      litellmParams: { model: 'openai/gpt-4o', api_key: 'sk-original-0123456789', rpm: 5, tpm: 10 },
      modelInfo: { base_model: 'gpt-4o', mode: 'chat' },
    });
    await server().graphql(PATCH_MODEL, { id: model.id, patch: { litellmParams: { rpm: null }, modelInfo: { mode: null } } });
    const [removal, created] = await history(server(), model.id);
    await server().graphql(PATCH_MODEL, { id: model.id, patch: { litellmParams: { rpm: 7, extra: 1 }, modelInfo: { mode: 'embedding' } } });

    expect((await restore(server(), removal.id)).errors).toBeUndefined();
    expect(await storedParams(server(), model.id)).toEqual({ model: 'openai/gpt-4o', api_key: 'sk-original-0123456789', tpm: 10 });
    expect((await storedModel(server(), model.id))!.model_info).toEqual({ id: model.id, base_model: 'gpt-4o' });

    expect((await restore(server(), created.id)).errors).toBeUndefined();
    expect(await storedParams(server(), model.id)).toEqual({ model: 'openai/gpt-4o', api_key: 'sk-original-0123456789', rpm: 5, tpm: 10 });
    expect((await storedModel(server(), model.id))!.model_info).toEqual({ id: model.id, base_model: 'gpt-4o', mode: 'chat' });
  });

  it('after a team move, puts the model back in its first team: the teams’ models lists follow as for a moving patch', async () => {
    const [teamA, teamB] = [await createTeam(server(), []), await createTeam(server(), [])];
    const model = await addModel(server(), { modelName: 'moving-gpt', modelInfo: { team_id: teamA } });
    await server().graphql(PATCH_MODEL, { id: model.id, patch: { modelInfo: { team_id: teamB } } });
    expect((await teamRow(server(), teamA)).models).toEqual([]);
    expect((await teamRow(server(), teamB)).models).toEqual(['moving-gpt']);

    const created = (await history(server(), model.id)).at(-1)!;
    const response = await restore(server(), created.id);
    expect(response.errors).toBeUndefined();
    expect(response.data!.restoreModel).toMatchObject({ teamId: teamA, publicModelName: 'moving-gpt', modelName: model.modelName });
    expect((await teamRow(server(), teamA)).models).toEqual(['moving-gpt']);
    expect((await teamRow(server(), teamB)).models).toEqual([]);
    // Beside a current proxy (our own database has its shape) no alias is written.
    expect(await teamAliases(server(), teamA)).toBeNull();
  });

  it('undeletes a team model with its id and stored name, putting back the team’s models entry; deletedModels lists it until then', async () => {
    const teamId = await createTeam(server(), []);
    const model = await addModel(server(), { modelName: 'undeleted-gpt', modelInfo: { team_id: teamId } });
    expect((await server().graphql(DELETE_MODEL, { id: model.id })).errors).toBeUndefined();
    expect((await teamRow(server(), teamId)).models).toEqual([]);

    const deleted = (await server().graphql(DELETED)).data!.deletedModels.edges.map((edge: { node: any }) => edge.node);
    const entry = deleted.find((node: { objectId: string }) => node.objectId === model.id);
    expect(entry).toMatchObject({ action: 'DELETED', beforeValue: { model_id: model.id } });

    const response = await restore(server(), entry.id);
    expect(response.errors).toBeUndefined();
    expect(response.data!.restoreModel).toMatchObject({ id: model.id, modelName: model.modelName, publicModelName: 'undeleted-gpt', teamId, createdAt: model.createdAt });
    expect((await teamRow(server(), teamId)).models).toEqual(['undeleted-gpt']);
    expect(await storedParams(server(), model.id)).toEqual({ model: 'openai/gpt-4o', api_key: 'sk-live-0123456789abcdef' });
    const [newest] = await history(server(), model.id);
    expect(newest).toMatchObject({ action: 'CREATED', restoredFrom: { id: entry.id, action: 'DELETED' } });
    const stillDeleted = (await server().graphql(DELETED)).data!.deletedModels.edges.map((edge: { node: { objectId: string } }) => edge.node.objectId);
    expect(stillDeleted).not.toContain(model.id);
  });

  it('two concurrent undeletes of one model: one puts it back, the other is CONFLICT', async () => {
    const teamId = await createTeam(server(), []);
    const model = await addModel(server(), { modelName: 'raced', modelInfo: { team_id: teamId } });
    await server().graphql(DELETE_MODEL, { id: model.id });
    const [deleted] = await history(server(), model.id);
    const responses = await Promise.all([restore(server(), deleted.id), restore(server(), deleted.id)]);
    expect(responses.map((response) => (response.errors ? response.errors[0].extensions!.code : 'ok')).sort()).toEqual(['CONFLICT', 'ok']);
    expect((await teamRow(server(), teamId)).models).toEqual(['raced']);
    expect((await auditRowsOf(server(), model.id, 'created')).length).toBe(2);
  });

  it('restores an entry of a model deleted since: the model comes back in that state', async () => {
    const model = await addModel(server(), { litellmParams: { model: 'openai/gpt-4o', rpm: 1 } });
    await server().graphql(PATCH_MODEL, { id: model.id, patch: { litellmParams: { rpm: 2 } } });
    const [patched] = await history(server(), model.id);
    await server().graphql(DELETE_MODEL, { id: model.id });
    expect((await restore(server(), patched.id)).errors).toBeUndefined();
    expect(await storedParams(server(), model.id)).toEqual({ model: 'openai/gpt-4o', rpm: 2 });
  });

  it('a restore to the state the model is in writes nothing', async () => {
    const model = await addModel(server());
    const [created] = await history(server(), model.id);
    const response = await expectTablesUnchanged(server(), () => restore(server(), created.id));
    expect(response.data!.restoreModel).toMatchObject({ id: model.id, updatedAt: model.updatedAt });
  });

  it('no response of a restore, its history or the deleted models holds a plaintext secret', async () => {
    const secret = 'sk-plaintext-never-shown-0123456789';
    const model = await addModel(server(), { litellmParams: { model: 'openai/gpt-4o', api_key: secret, extra_headers: { Authorization: 'Bearer header-secret-0123456789' } } });
    await server().graphql(PATCH_MODEL, { id: model.id, patch: { litellmParams: { api_key: 'sk-second-secret-0123456789' } } });
    const created = (await history(server(), model.id)).at(-1)!;
    const bodies = [await rawGraphql(server(), RESTORE, { id: created.id })];
    await server().graphql(DELETE_MODEL, { id: model.id });
    const everything = `{ id action beforeValue updatedValues changes(includeBookkeeping: true) { path before after } restoredFrom { beforeValue updatedValues } }`;
    bodies.push(await rawGraphql(server(), `query ($id: ID!) { modelHistory(id: $id, first: 100) { edges { node ${everything} } } }`, { id: model.id }));
    bodies.push(await rawGraphql(server(), `{ deletedModels(first: 100) { edges { node ${everything} } } }`));
    const deletedEntry = (await history(server(), model.id))[0];
    bodies.push(await rawGraphql(server(), RESTORE, { id: deletedEntry.id }));
    for (const body of bodies) {
      expect(body).not.toContain('"errors"');
      for (const plaintext of [secret, 'sk-second-secret-0123456789', 'header-secret-0123456789']) expect(body).not.toContain(plaintext);
    }
  });

  describe('expectedUpdatedAt', () => {
    it('a stale one is CONFLICT on patchModel, updateModel, deleteModel and restoreModel, naming who changed the model and when, changing nothing', async () => {
      const model = await addModel(server());
      const stale = model.updatedAt;
      const patched = await server().graphql(PATCH_MODEL, { id: model.id, patch: { litellmParams: { rpm: 1 } } });
      const [newest, created] = await history(server(), model.id);
      const attempts = [
        () => server().graphql(`mutation ($id: ID!, $e: DateTime) { patchModel(id: $id, patch: { litellmParams: { rpm: 2 } }, expectedUpdatedAt: $e) { id } }`, { id: model.id, e: stale }),
        () => server().graphql(`mutation ($id: ID!, $e: DateTime) { updateModel(input: { id: $id, litellmParams: { rpm: 3 } }, expectedUpdatedAt: $e) { id } }`, { id: model.id, e: stale }),
        () => server().graphql(`mutation ($id: ID!, $e: DateTime) { deleteModel(id: $id, expectedUpdatedAt: $e) { id } }`, { id: model.id, e: stale }),
        () => restore(server(), created.id, undefined, stale),
      ];
      for (const attempt of attempts) {
        const error = expectError(await expectTablesUnchanged(server(), attempt), 'CONFLICT');
        expect(error.message).toContain('"default_user_id"');
        expect(error.message).toContain(newest.updatedAt);
        expect(error.message).toContain(patched.data!.patchModel.updatedAt);
      }
    });

    it('the current one lets each of them through', async () => {
      const model = await addModel(server());
      const patched = await server().graphql(`mutation ($id: ID!, $e: DateTime) { patchModel(id: $id, patch: { litellmParams: { rpm: 2 } }, expectedUpdatedAt: $e) { updatedAt } }`, {
        id: model.id,
        e: model.updatedAt,
      });
      expect(patched.errors).toBeUndefined();
      const updated = await server().graphql(`mutation ($id: ID!, $e: DateTime) { updateModel(input: { id: $id, litellmParams: { rpm: 3 } }, expectedUpdatedAt: $e) { updatedAt } }`, {
        id: model.id,
        e: patched.data!.patchModel.updatedAt,
      });
      expect(updated.errors).toBeUndefined();
      const created = (await history(server(), model.id)).at(-1)!;
      const restored = await restore(server(), created.id, undefined, updated.data!.updateModel.updatedAt);
      expect(restored.errors).toBeUndefined();
      const deleted = await server().graphql(`mutation ($id: ID!, $e: DateTime) { deleteModel(id: $id, expectedUpdatedAt: $e) { id } }`, {
        id: model.id,
        e: restored.data!.restoreModel.updatedAt,
      });
      expect(deleted.errors).toBeUndefined();
    });
  });

  it('20 concurrent restores and patches on one model: every state written is an audited one, each change applied to the one before it', async () => {
    const model = await addModel(server(), { litellmParams: { model: 'openai/gpt-4o', step: 0 } });
    await server().graphql(PATCH_MODEL, { id: model.id, patch: { litellmParams: { step: 1 } } });
    await server().graphql(PATCH_MODEL, { id: model.id, patch: { litellmParams: { step: 2 }, modelInfo: { tier: 'b' } } });
    const targets = (await history(server(), model.id)).map((entry) => entry.id);
    const rowsBefore = await auditRowsOf(server(), model.id);

    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        index % 2 === 0
          ? restore(server(), targets[(index / 2) % targets.length])
          : server().graphql(PATCH_MODEL, { id: model.id, patch: { litellmParams: { [`patched_${index}`]: index } } }),
      ),
    );
    expect(responses.flatMap((response) => response.errors ?? [])).toEqual([]);

    const rows = await auditRowsOf(server(), model.id);
    const written = rows.filter((row) => !rowsBefore.some((before) => before.id === row.id));
    const restoredFrom = new Map((await restoreRows(server())).map((row) => [row.audit_log_id, row.restored_from_audit_log_id]));
    // Walk the chain: each change starts from the state the one before it left (no change lost or applied to a stale row).
    let state = rowsBefore.find((row) => row.id === targets[0])!.updated_values;
    const pending = [...written];
    while (pending.length > 0) {
      const next = pending.findIndex((row) => isDeepStrictEqual(row.before_value, state));
      expect(next).toBeGreaterThanOrEqual(0);
      const [row] = pending.splice(next, 1) as StoredAuditRow[];
      const source = restoredFrom.get(row.id);
      if (source) {
        expect(restorableState(row.updated_values)).toEqual(restorableState(rows.find((entry) => entry.id === source)!.updated_values));
      } else {
        const before = decryptLitellmParams(row.before_value!.litellm_params, CIPHER);
        const after = decryptLitellmParams(row.updated_values!.litellm_params, CIPHER);
        const added = Object.keys(after).filter((name) => !(name in before));
        expect(added).toHaveLength(1);
        expect(after).toEqual({ ...before, [added[0]]: Number(added[0].replace('patched_', '')) });
      }
      state = row.updated_values;
    }
    const stored = await storedModel(server(), model.id);
    expect(restorableState(state)).toEqual(restorableState(stored as Record<string, any>));
    // Ten patches, each audited; a restore to the state the model was already in writes no entry.
    expect(written.filter((row) => !restoredFrom.has(row.id))).toHaveLength(10);
  });

  describe('refusals, each writing nothing', () => {
    it('an entry that is not a model’s', async () => {
      const teamId = await createTeam(server(), []);
      const [teamEntry] = await auditRowsOf(server(), teamId);
      expect(teamEntry.table_name).toBe(TABLES.team);
      const error = expectError(await expectTablesUnchanged(server(), () => restore(server(), teamEntry.id)), 'BAD_USER_INPUT');
      expect(error.message).toContain('not to a model');
    });

    it('an entry whose team no longer exists', async () => {
      const teamId = await createTeam(server(), []);
      const model = await addModel(server(), { modelName: 'orphaned', modelInfo: { team_id: teamId } });
      await server().graphql(PATCH_MODEL, { id: model.id, patch: { modelInfo: { team_id: null } } });
      await server().sql(`delete from "${TABLES.team}" where team_id = ?`, [teamId]);
      const created = (await history(server(), model.id)).at(-1)!;
      const error = expectError(await expectTablesUnchanged(server(), () => restore(server(), created.id)), 'BAD_USER_INPUT');
      expect(error.message).toContain(`team "${teamId}" no longer exists`);
    });

    it('an undelete whose id a model holds again', async () => {
      const model = await addModel(server());
      await server().graphql(DELETE_MODEL, { id: model.id });
      const [deleted] = await history(server(), model.id);
      await addModel(server(), { modelInfo: { id: model.id } });
      const error = expectError(await expectTablesUnchanged(server(), () => restore(server(), deleted.id)), 'CONFLICT');
      expect(error.message).toContain('a model holds its id again (created by "default_user_id"');
    });

    it('a stored secret that does not decrypt under the current salt key, naming the key', async () => {
      const model = await addModel(server());
      const stored = await storedModel(server(), model.id);
      const otherKey = AtRestCipher.create({ saltKey: 'sk-some-other-salt-key', algorithm: 'aes-256-gcm' });
      const entryId = await insertLegacyAuditRow(server(), {
        action: 'updated',
        tableName: TABLES.proxyModel,
        objectId: model.id,
        beforeValue: null,
        updatedValues: { ...stored, created_at: model.createdAt, updated_at: model.updatedAt, litellm_params: { ...stored!.litellm_params, api_key: otherKey.encrypt('sk-lost-0123456789') } },
      });
      const error = expectError(await expectTablesUnchanged(server(), () => restore(server(), entryId)), 'BAD_USER_INPUT');
      expect(error.message).toContain('litellm_params.api_key does not decrypt under the current salt key');
    });

    it('an entry that is not there', async () => {
      expectError(await expectTablesUnchanged(server(), () => restore(server(), 'no-such-entry')), 'NOT_FOUND');
    });

    describe('who may restore', () => {
      let team: Awaited<ReturnType<typeof teamWithKeys>>;
      let otherTeam: string;
      let viewerKey: string;
      beforeAll(async () => {
        team = await teamWithKeys(server());
        otherTeam = await createTeam(server(), []);
        viewerKey = (await keyWithRole(server(), 'PROXY_ADMIN_VIEWER')).key;
      });

      it('a team admin restores an entry of their team’s model, within their team', async () => {
        const model = await addModel(server(), { modelInfo: { team_id: team.teamId }, key: team.adminKey, litellmParams: { model: 'openai/gpt-4o', rpm: 1 } });
        await server().graphql(PATCH_MODEL, { id: model.id, patch: { litellmParams: { rpm: 2 } } }, team.adminKey);
        const created = (await history(server(), model.id, team.adminKey)).at(-1)!;
        expect((await restore(server(), created.id, team.adminKey)).errors).toBeUndefined();
        expect(await storedParams(server(), model.id)).toEqual({ model: 'openai/gpt-4o', rpm: 1 });
      });

      it('not to a state in another team', async () => {
        const model = await addModel(server(), { modelInfo: { team_id: team.teamId } });
        await server().graphql(PATCH_MODEL, { id: model.id, patch: { modelInfo: { team_id: otherTeam } } });
        const [moveAway] = await history(server(), model.id);
        await server().graphql(PATCH_MODEL, { id: model.id, patch: { modelInfo: { team_id: team.teamId } } });
        expectError(await expectTablesUnchanged(server(), () => restore(server(), moveAway.id, team.adminKey)), 'FORBIDDEN');
      });

      it('not a model that is now outside their team', async () => {
        const model = await addModel(server(), { modelInfo: { team_id: team.teamId } });
        await server().graphql(PATCH_MODEL, { id: model.id, patch: { modelInfo: { team_id: null } } });
        const created = (await history(server(), model.id)).at(-1)!;
        expectError(await expectTablesUnchanged(server(), () => restore(server(), created.id, team.adminKey)), 'FORBIDDEN');
      });

      it('not another team’s entry, which they cannot see', async () => {
        const model = await addModel(server(), { modelInfo: { team_id: otherTeam } });
        const [created] = await history(server(), model.id);
        expectError(await expectTablesUnchanged(server(), () => restore(server(), created.id, team.adminKey)), 'NOT_FOUND');
      });

      it('never a team member or a viewer', async () => {
        const model = await addModel(server(), { modelInfo: { team_id: team.teamId } });
        const [created] = await history(server(), model.id);
        for (const key of [team.memberKey, viewerKey]) expectError(await expectTablesUnchanged(server(), () => restore(server(), created.id, key)), 'FORBIDDEN');
        expectError(await restore(server(), created.id, 'sk-not-a-key'), 'UNAUTHENTICATED');
      });
    });
  });
});

describe.each(testDatabaseKinds())('restoreModel of a config-file model on %s', (kind) => {
  const handle = serverForEachFile(kind, () => ({
    configFile: writeConfigFile('model_list:\n  - model_name: from-config\n    litellm_params:\n      model: openai/gpt-4o\n    model_info:\n      id: config-model\n'),
  }));

  it('is refused: the model is defined in the config file', async () => {
    const entryId = await insertLegacyAuditRow(handle.server, {
      action: 'updated',
      tableName: TABLES.proxyModel,
      objectId: 'config-model',
      updatedValues: { model_id: 'config-model', model_name: 'from-config', litellm_params: { model: 'openai/gpt-4o' }, model_info: { id: 'config-model' } },
    });
    const error = expectError(await expectTablesUnchanged(handle.server, () => restore(handle.server, entryId)), 'BAD_USER_INPUT');
    expect(error.message).toContain('defined in the config file');
  });
});

describe.each(testDatabaseKinds())('restoreModel beside an older proxy, which routes team models through aliases, on %s', (kind) => {
  const handle = serverOverProxySchema(kind, 'older');

  it('undeleting a team model puts back its alias and its team’s models entry', async () => {
    const teamId = await createTeam(handle.server, []);
    const model = await addModel(handle.server, { modelName: 'aliased-gpt', modelInfo: { team_id: teamId } });
    expect(await teamAliases(handle.server, teamId)).toEqual({ 'aliased-gpt': model.modelName });
    await handle.server.graphql(DELETE_MODEL, { id: model.id });
    expect(await teamAliases(handle.server, teamId)).toEqual({});
    expect((await teamRow(handle.server, teamId)).models).toEqual([]);

    const [deleted] = await history(handle.server, model.id);
    const response = await restore(handle.server, deleted.id);
    expect(response.errors).toBeUndefined();
    expect(await teamAliases(handle.server, teamId)).toEqual({ 'aliased-gpt': model.modelName });
    expect((await teamRow(handle.server, teamId)).models).toEqual(['aliased-gpt']);
    expect((await history(handle.server, model.id))[0]).toMatchObject({ action: 'CREATED', restoredFrom: { id: deleted.id } });
  });
});

describe.each(testDatabaseKinds())('restoreModel during a salt key rotation on %s', (kind) => {
  const PREVIOUS_SALT_KEY = 'sk-previous-salt-key-0123456789';
  const CURRENT_SALT_KEY = 'sk-current-salt-key-0123456789';
  const handle = serverForEachFile(kind, () => ({ saltKey: CURRENT_SALT_KEY, previousSaltKey: PREVIOUS_SALT_KEY }));

  it('writes a value of the snapshot still under the previous salt key back under the current one', async () => {
    const previous = AtRestCipher.create({ saltKey: PREVIOUS_SALT_KEY, algorithm: 'aes-256-gcm' });
    const current = AtRestCipher.create({ saltKey: CURRENT_SALT_KEY, algorithm: 'aes-256-gcm' });
    const model = await addModel(handle.server, { litellmParams: { model: 'openai/gpt-4o', api_key: 'sk-now-0123456789' } });
    const stored = (await storedModel(handle.server, model.id))!;
    const entryId = await insertLegacyAuditRow(handle.server, {
      action: 'updated',
      tableName: TABLES.proxyModel,
      objectId: model.id,
      updatedValues: { ...stored, created_at: model.createdAt, updated_at: model.updatedAt, litellm_params: { ...stored.litellm_params, api_key: previous.encrypt('sk-before-rotation-0123') } },
    });
    expect((await restore(handle.server, entryId)).errors).toBeUndefined();
    const apiKey = (await storedModel(handle.server, model.id))!.litellm_params.api_key as string;
    expect(current.decrypt(apiKey)).toMatchObject({ plaintext: 'sk-before-rotation-0123', key: 'current' });
    // Untouched values stay byte for byte.
    expect((await storedModel(handle.server, model.id))!.litellm_params.model).toBe(stored.litellm_params.model);
  });
});
