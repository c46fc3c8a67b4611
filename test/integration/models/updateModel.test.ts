// updateModel (POST /model/update): only litellm_params change, incoming keys merged over the stored ones.
import { AtRestCipher } from '../../../src/crypto/AtRestCipher';
import { TABLES } from '../../../src/database/tables';
import { addModel, teamWithKeys } from '../../support/fixtures';
import { testDatabaseKinds } from '../../support/testDatabases';
import { serverForEachFile, TEST_MASTER_KEY } from '../../support/testServer';
import { auditRowsOf } from '../../support/auditTrail';
import { expectError, expectNothingWritten, storedModel, UPDATE_MODEL } from '../../support/modelApi';

const CIPHER = AtRestCipher.create({ saltKey: TEST_MASTER_KEY, algorithm: 'aes-256-gcm' });
const ORIGINAL_PARAMS = { model: 'openai/gpt-4o', api_key: 'sk-original-0123456789', api_base: 'https://a.example.com', rpm: 10, temperature: 0.2 };

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(testDatabaseKinds())('updateModel on %s', (kind) => {
  const handle = serverForEachFile(kind);
  const update = (input: Record<string, unknown>, key?: string) => handle.server.graphql(UPDATE_MODEL, { input }, key);

  it('replaces incoming keys, keeps stored values for null, leaves other keys, model_name and model_info untouched', async () => {
    const { teamId, adminId, adminKey } = await teamWithKeys(handle.server);
    const added = await addModel(handle.server, { modelName: 'team-gpt', litellmParams: ORIGINAL_PARAMS, modelInfo: { team_id: teamId, tier: 'gold' } });
    const before = (await storedModel(handle.server, added.id))!;
    await pause(5);

    const response = await update({ id: added.id, litellmParams: { api_key: 'sk-replaced-9876543210', rpm: null, model: null, max_tokens: 512 } }, adminKey);
    expect(response.errors).toBeUndefined();

    const after = (await storedModel(handle.server, added.id))!;
    expect(CIPHER.decrypt(after.litellm_params.api_key as string)?.plaintext).toBe('sk-replaced-9876543210');
    // Untouched keys keep their stored ciphertext byte for byte; null keeps the stored value.
    expect(after.litellm_params).toEqual({ ...before.litellm_params, api_key: after.litellm_params.api_key, max_tokens: 512 });
    expect(after.litellm_params.rpm).toBe(10);
    expect(after.model_name).toBe(before.model_name);
    expect(after.model_info).toEqual(before.model_info);
    expect(after.created_by).toBe('default_user_id');
    expect(after.created_at).toEqual(before.created_at);
    expect(after.updated_by).toBe(adminId);
    expect(after.updated_at.getTime()).toBeGreaterThan(before.updated_at.getTime());
    expect(response.data?.updateModel).toMatchObject({
      id: added.id,
      modelName: before.model_name,
      publicModelName: 'team-gpt',
      updatedBy: adminId,
      litellmParams: { model: 'openai/gpt-4o', api_key: 'sk-****3210', api_base: 'https://a.example.com', rpm: 10, temperature: 0.2, max_tokens: 512 },
    });
  });

  it('writes one "updated" audit row holding the row before and after', async () => {
    const added = await addModel(handle.server, { litellmParams: ORIGINAL_PARAMS });
    await update({ id: added.id, litellmParams: { rpm: 99 } });
    const [row, ...more] = await auditRowsOf(handle.server, added.id, 'updated');
    expect(more).toHaveLength(0);
    expect(row).toMatchObject({ table_name: TABLES.proxyModel, changed_by: 'default_user_id' });
    expect(row.before_value).toMatchObject({ model_id: added.id, litellm_params: expect.objectContaining({ rpm: 10 }) });
    expect(row.updated_values).toMatchObject({ model_id: added.id, litellm_params: expect.objectContaining({ rpm: 99 }) });
  });

  it('answers NOT_FOUND for an unknown id and writes nothing', async () => {
    const response = await expectNothingWritten(handle.server, () => update({ id: 'no-such-model', litellmParams: { rpm: 1 } }));
    expect(expectError(response, 'NOT_FOUND').message).toContain('no-such-model');
  });

  it.each<[string, unknown]>([
    ['litellmParams that is not an object', 'rpm=1'],
    ['litellmParams.model that is empty', { model: '' }],
    ['a NUL character in a value', { api_base: 'https://x\u0000' }],
  ])('refuses %s with BAD_USER_INPUT and writes nothing', async (_case, litellmParams) => {
    const added = await addModel(handle.server, { litellmParams: ORIGINAL_PARAMS });
    const before = await storedModel(handle.server, added.id);
    const response = await expectNothingWritten(handle.server, () => update({ id: added.id, litellmParams }));
    expectError(response, 'BAD_USER_INPUT');
    expect(await storedModel(handle.server, added.id)).toEqual(before);
  });
});
