// Stored credentials (LiteLLM_CredentialsTable) as a current proxy rules them: a model's litellm_credential_name must
// name one, only proxy admins attach, change or detach it (the name compared decrypted, so sending it back unchanged
// is no change), and the `credentials` query shows names, masked info and the models using each, never the values.
// Over an older proxy's database, which has no such table, there are none and no name can be attached.
import { randomUUID } from 'node:crypto';
import { AtRestCipher, DEFAULT_ENCRYPTION_ALGORITHM } from '../../../src/crypto/AtRestCipher';
import { TABLES } from '../../../src/database/tables';
import { addModel, keyWithRole, teamWithKeys } from '../../support/fixtures';
import { testDatabaseKinds } from '../../support/testDatabases';
import { TEST_MASTER_KEY, type TestServer } from '../../support/testServer';
import { ADD_MODEL, expectError, expectTablesUnchanged, PATCH_MODEL, rawGraphql, serverOverProxySchema, storedModel, UPDATE_MODEL } from '../../support/modelApi';
import { serverForEachFile } from '../../support/testServer';

const CREDENTIAL_VALUE = 'sk-stored-credential-value-0123456789';
const INFO_SECRET = 'sk-info-secret-value-0123456789';
const CIPHER = AtRestCipher.create({ saltKey: TEST_MASTER_KEY, algorithm: DEFAULT_ENCRYPTION_ALGORITHM });

const CREDENTIALS = `query { credentials { id name info createdBy models { id publicModelName credentialName } } }`;
const CREDENTIAL_NAME_OF = 'query ($id: ID!) { model(id: $id) { id credentialName } }';

/** A credential as the proxy stores it: every string value encrypted. */
async function storeCredential(server: TestServer, name = `credential-${randomUUID().slice(0, 8)}`): Promise<{ id: string; name: string; ciphertext: string }> {
  const id = randomUUID();
  const ciphertext = CIPHER.encrypt(CREDENTIAL_VALUE);
  await server.sql(
    `insert into "${TABLES.credentials}" (credential_id, credential_name, credential_values, credential_info, created_by, updated_by)
     values (?, ?, ?::jsonb, ?::jsonb, 'proxy-admin', 'proxy-admin')`,
    [id, name, JSON.stringify({ api_key: ciphertext, api_base: CIPHER.encrypt('https://stored.example') }), JSON.stringify({ custom_llm_provider: 'openai', api_key: INFO_SECRET })],
  );
  return { id, name, ciphertext };
}

const params = (extra: Record<string, unknown> = {}) => ({ model: 'openai/gpt-4o', ...extra });

describe.each(testDatabaseKinds())('stored credentials on %s', (kind) => {
  describe.each([
    ['a current proxy schema', () => serverOverProxySchema(kind, 'current')],
    ['a database of our own', () => serverForEachFile(kind)],
  ])('over %s', (_schema, makeHandle) => {
    const handle = makeHandle();
    let team: Awaited<ReturnType<typeof teamWithKeys>>;
    let viewerKey: string;
    beforeAll(async () => {
      team = await teamWithKeys(handle.server);
      viewerKey = (await keyWithRole(handle.server, 'PROXY_ADMIN_VIEWER')).key;
    });

    const patch = (id: string, litellmParams: Record<string, unknown>, key?: string) => handle.server.graphql(PATCH_MODEL, { id, patch: { litellmParams } }, key);
    const update = (id: string, litellmParams: Record<string, unknown>, key?: string) => handle.server.graphql(UPDATE_MODEL, { input: { id, litellmParams } }, key);
    const add = (litellmParams: Record<string, unknown>, modelInfo?: Record<string, unknown>, key?: string) =>
      handle.server.graphql(ADD_MODEL, { input: { modelName: 'credentialed', litellmParams, modelInfo } }, key);

    it('lists each credential with its masked info and the models naming it, to proxy admins and viewers, never its values', async () => {
      const credential = await storeCredential(handle.server);
      const model = await addModel(handle.server, { litellmParams: params({ litellm_credential_name: credential.name }) });
      await addModel(handle.server, { litellmParams: params() });

      for (const key of [TEST_MASTER_KEY, viewerKey]) {
        const response = await handle.server.graphql(CREDENTIALS, {}, key);
        expect(response.errors).toBeUndefined();
        const listed = response.data!.credentials.find((entry: { name: string }) => entry.name === credential.name);
        expect(listed).toEqual({
          id: credential.id,
          name: credential.name,
          info: { custom_llm_provider: 'openai', api_key: 'sk-****6789' },
          createdBy: 'proxy-admin',
          models: [{ id: model.id, publicModelName: model.publicModelName, credentialName: credential.name }],
        });
      }
      const raw = await rawGraphql(handle.server, `query { credentials { id name info models { id credentialName litellmParams } } }`);
      for (const hidden of [CREDENTIAL_VALUE, credential.ciphertext, INFO_SECRET, 'https://stored.example']) expect(raw).not.toContain(hidden);
    });

    it('shows the name on the model (credentialName), decrypted', async () => {
      const credential = await storeCredential(handle.server);
      const model = await addModel(handle.server, { litellmParams: params({ litellm_credential_name: credential.name }) });
      const stored = await storedModel(handle.server, model.id);
      expect(stored!.litellm_params.litellm_credential_name).toMatch(/^v3:gcm:/);
      expect((await handle.server.graphql(CREDENTIAL_NAME_OF, { id: model.id })).data!.model).toEqual({ id: model.id, credentialName: credential.name });
    });

    it.each([
      ['addModel', () => add(params({ litellm_credential_name: 'no-such-credential' }))],
      ['updateModel', (id: string) => update(id, { litellm_credential_name: 'no-such-credential' })],
      ['patchModel', (id: string) => patch(id, { litellm_credential_name: 'no-such-credential' })],
    ])('%s naming a credential that is not stored is BAD_USER_INPUT and writes nothing', async (_operation, operation) => {
      const model = await addModel(handle.server);
      const response = await expectTablesUnchanged(handle.server, () => operation(model.id));
      const error = expectError(response, 'BAD_USER_INPUT');
      expect(error.message).toContain('"no-such-credential"');
      expect(error.message).toContain('credentials');
    });

    it('an empty name is BAD_USER_INPUT', async () => {
      const response = await expectTablesUnchanged(handle.server, () => add(params({ litellm_credential_name: '' })));
      expect(expectError(response, 'BAD_USER_INPUT').message).toContain('litellm_credential_name');
    });

    it("a team admin may not attach the organisation's credential to a team model, on add or on a change", async () => {
      const credential = await storeCredential(handle.server);
      const refusedAdd = await expectTablesUnchanged(handle.server, () => add(params({ litellm_credential_name: credential.name }), { team_id: team.teamId }, team.adminKey));
      expect(expectError(refusedAdd, 'FORBIDDEN').message).toContain('litellm_params.litellm_credential_name');

      const model = await addModel(handle.server, { modelInfo: { team_id: team.teamId }, key: team.adminKey });
      for (const change of [() => patch(model.id, { litellm_credential_name: credential.name }, team.adminKey), () => update(model.id, { litellm_credential_name: credential.name }, team.adminKey)]) {
        const response = await expectTablesUnchanged(handle.server, change);
        expect(expectError(response, 'FORBIDDEN').message).toContain('Only a proxy admin may set, change or remove litellm_params.litellm_credential_name');
      }
    });

    it('a team admin naming a credential that does not exist is refused as FORBIDDEN, not told whether it exists', async () => {
      const model = await addModel(handle.server, { modelInfo: { team_id: team.teamId }, key: team.adminKey });
      const response = await expectTablesUnchanged(handle.server, () => patch(model.id, { litellm_credential_name: 'no-such-credential' }, team.adminKey));
      expectError(response, 'FORBIDDEN');
    });

    it('a team admin may not change or remove the credential a proxy admin attached', async () => {
      const [first, second] = [await storeCredential(handle.server), await storeCredential(handle.server)];
      const model = await addModel(handle.server, { litellmParams: params({ litellm_credential_name: first.name }), modelInfo: { team_id: team.teamId } });
      for (const litellmParams of [{ litellm_credential_name: second.name }, { litellm_credential_name: null }]) {
        const response = await expectTablesUnchanged(handle.server, () => patch(model.id, litellmParams, team.adminKey));
        expectError(response, 'FORBIDDEN');
      }
    });

    it('a team admin may send the attached name back unchanged with other changes (compared decrypted, not as ciphertext)', async () => {
      const credential = await storeCredential(handle.server);
      const model = await addModel(handle.server, { litellmParams: params({ litellm_credential_name: credential.name }), modelInfo: { team_id: team.teamId } });
      const storedBefore = (await storedModel(handle.server, model.id))!.litellm_params.litellm_credential_name;

      const patched = await patch(model.id, { litellm_credential_name: credential.name, rpm: 7 }, team.adminKey);
      expect(patched.errors).toBeUndefined();
      const updated = await update(model.id, { litellm_credential_name: credential.name, tpm: 900 }, team.adminKey);
      expect(updated.errors).toBeUndefined();
      const stored = (await storedModel(handle.server, model.id))!.litellm_params;
      // Re-encrypted under a fresh nonce: the stored text changed, the name did not.
      expect(stored.litellm_credential_name).not.toBe(storedBefore);
      expect(stored).toMatchObject({ rpm: 7, tpm: 900 });
      expect((await handle.server.graphql(CREDENTIAL_NAME_OF, { id: model.id })).data!.model.credentialName).toBe(credential.name);
    });

    it('a proxy admin may attach, change and detach it; a detached model leaves the credential', async () => {
      const [first, second] = [await storeCredential(handle.server), await storeCredential(handle.server)];
      const model = await addModel(handle.server, { modelInfo: { team_id: team.teamId } });
      expect((await patch(model.id, { litellm_credential_name: first.name })).errors).toBeUndefined();
      expect((await update(model.id, { litellm_credential_name: second.name })).errors).toBeUndefined();
      const usedBy = async (name: string) =>
        (await handle.server.graphql(CREDENTIALS)).data!.credentials.find((entry: { name: string }) => entry.name === name).models.map((entry: { id: string }) => entry.id);
      expect(await usedBy(first.name)).toEqual([]);
      expect(await usedBy(second.name)).toEqual([model.id]);
      expect((await patch(model.id, { litellm_credential_name: null })).errors).toBeUndefined();
      expect(await usedBy(second.name)).toEqual([]);
      expect((await handle.server.graphql(CREDENTIAL_NAME_OF, { id: model.id })).data!.model.credentialName).toBeNull();
    });

    it.each([
      ['a team admin', () => team.adminKey],
      ['a team member', () => team.memberKey],
    ])('%s may not list credentials', async (_caller, key) => {
      const response = await handle.server.graphql(CREDENTIALS, {}, key());
      expectError(response, 'FORBIDDEN');
      expect(response.data).toBeNull();
    });
  });

  describe('over an older proxy schema (no LiteLLM_CredentialsTable)', () => {
    const handle = serverOverProxySchema(kind, 'older');

    it('lists no credentials', async () => {
      const response = await handle.server.graphql('query { credentials { name } }');
      expect(response.errors).toBeUndefined();
      expect(response.data!.credentials).toEqual([]);
    });

    it('refuses every name with a message saying the table is missing, writing nothing', async () => {
      const model = await addModel(handle.server);
      for (const operation of [
        () => handle.server.graphql(ADD_MODEL, { input: { modelName: 'older', litellmParams: params({ litellm_credential_name: 'any-name' }) } }),
        () => handle.server.graphql(PATCH_MODEL, { id: model.id, patch: { litellmParams: { litellm_credential_name: 'any-name' } } }),
      ]) {
        const response = await expectTablesUnchanged(handle.server, operation);
        const error = expectError(response, 'BAD_USER_INPUT');
        expect(error.message).toContain(`no ${TABLES.credentials}`);
        expect(error.message).toContain('older LiteLLM proxy');
      }
    });
  });
});
