// patchModel (PATCH /model/{id}/update): modelName, litellmParams and modelInfo merged key by key; null removes a key.
import { AtRestCipher } from '../../../src/crypto/AtRestCipher';
import { addModel } from '../../support/fixtures';
import { testDatabaseKinds } from '../../support/testDatabases';
import { serverForEachFile, TEST_MASTER_KEY } from '../../support/testServer';
import { auditRowsOf } from '../../support/auditTrail';
import { expectError, expectNothingWritten, PATCH_MODEL, storedModel } from '../../support/modelApi';

const CIPHER = AtRestCipher.create({ saltKey: TEST_MASTER_KEY, algorithm: 'aes-256-gcm' });
const PARAMS = { model: 'openai/gpt-4o', api_key: 'sk-patch-original-0123456789', api_base: 'https://a.example.com', rpm: 10 };
const INFO = { description: 'first', base_model: 'gpt-4o', tier: 'gold' };

describe.each(testDatabaseKinds())('patchModel on %s', (kind) => {
  const handle = serverForEachFile(kind);
  const patch = (id: string, body: Record<string, unknown>) => handle.server.graphql(PATCH_MODEL, { id, patch: body });

  it('renames a model and leaves everything else as it is', async () => {
    const added = await addModel(handle.server, { modelName: 'old-name', litellmParams: PARAMS, modelInfo: INFO });
    const before = (await storedModel(handle.server, added.id))!;
    const response = await patch(added.id, { modelName: 'new-name' });
    expect(response.data?.patchModel).toMatchObject({ modelName: 'new-name', publicModelName: 'new-name' });
    expect(await storedModel(handle.server, added.id)).toEqual({ ...before, model_name: 'new-name', updated_at: expect.any(Date) });
  });

  it('merges litellmParams: given keys replace (encrypted), a key given as null is removed, the rest are kept', async () => {
    const added = await addModel(handle.server, { litellmParams: PARAMS, modelInfo: INFO });
    const before = (await storedModel(handle.server, added.id))!;
    const response = await patch(added.id, { litellmParams: { api_base: 'https://b.example.com', api_key: null, max_tokens: 100 } });
    expect(response.data?.patchModel.litellmParams).toEqual({ model: 'openai/gpt-4o', api_base: 'https://b.example.com', rpm: 10, max_tokens: 100 });

    const after = (await storedModel(handle.server, added.id))!;
    expect(Object.keys(after.litellm_params).sort()).toEqual(['api_base', 'max_tokens', 'model', 'rpm']);
    expect(after.litellm_params.model).toBe(before.litellm_params.model);
    expect(CIPHER.decrypt(after.litellm_params.api_base as string)?.plaintext).toBe('https://b.example.com');
    expect(after.model_info).toEqual(before.model_info);
    expect(after.model_name).toBe(before.model_name);
  });

  it('merges modelInfo key by key and removes a key given as null', async () => {
    const added = await addModel(handle.server, { litellmParams: PARAMS, modelInfo: INFO });
    const response = await patch(added.id, { modelInfo: { description: 'second', tier: null, region: 'eu' } });
    const expected = { id: added.id, description: 'second', base_model: 'gpt-4o', region: 'eu' };
    expect(response.data?.patchModel.modelInfo).toEqual(expected);
    expect((await storedModel(handle.server, added.id))?.model_info).toEqual(expected);
  });

  it('writes one "updated" audit row, naming the caller, and sets updated_by and updated_at', async () => {
    const added = await addModel(handle.server, { litellmParams: PARAMS });
    const before = (await storedModel(handle.server, added.id))!;
    await new Promise((resolve) => setTimeout(resolve, 5));
    await patch(added.id, { litellmParams: { rpm: 20 } });
    const after = (await storedModel(handle.server, added.id))!;
    expect(after.updated_by).toBe('default_user_id');
    expect(after.updated_at.getTime()).toBeGreaterThan(before.updated_at.getTime());
    const rows = await auditRowsOf(handle.server, added.id, 'updated');
    expect(rows).toHaveLength(1);
    expect(rows[0].changed_by).toBe('default_user_id');
  });

  it('changes nothing and writes no audit row for a patch that changes nothing', async () => {
    const added = await addModel(handle.server, { litellmParams: PARAMS, modelInfo: INFO });
    const before = await storedModel(handle.server, added.id);
    const response = await expectNothingWritten(handle.server, () => patch(added.id, { modelInfo: { tier: 'gold' } }));
    expect(response.errors).toBeUndefined();
    expect(await storedModel(handle.server, added.id)).toEqual(before);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a change of modelInfo.id', { modelInfo: { id: 'another-id' } }, 'modelInfo.id'],
    ['removing modelInfo.id', { modelInfo: { id: null } }, 'modelInfo.id'],
    ['removing litellmParams.model', { litellmParams: { model: null } }, 'litellmParams.model'],
    ['an empty litellmParams.model', { litellmParams: { model: '  ' } }, 'litellmParams.model'],
    ['litellmParams that is not an object', { litellmParams: ['model'] }, 'litellmParams'],
    ['modelInfo that is not an object', { modelInfo: 'eu' }, 'modelInfo'],
    ['an empty modelName', { modelName: '' }, 'modelName'],
    ['modelInfo.team_id that is not a string', { modelInfo: { team_id: 5 } }, 'team_id'],
  ])('refuses %s with BAD_USER_INPUT and writes nothing', async (_case, body, field) => {
    const added = await addModel(handle.server, { litellmParams: PARAMS, modelInfo: INFO });
    const before = await storedModel(handle.server, added.id);
    const response = await expectNothingWritten(handle.server, () => patch(added.id, body));
    expect(expectError(response, 'BAD_USER_INPUT').message).toContain(field);
    expect(await storedModel(handle.server, added.id)).toEqual(before);
  });

  it('answers NOT_FOUND for an unknown id and writes nothing', async () => {
    const response = await expectNothingWritten(handle.server, () => patch('no-such-model', { modelName: 'x' }));
    expectError(response, 'NOT_FOUND');
  });
});
