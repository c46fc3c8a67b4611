// addModel (POST /model/new): the id, the required fields, CONFLICT on a duplicate, and bad input that writes nothing.
import { randomUUID } from 'node:crypto';
import { TABLES } from '../../../src/database/tables';
import { addModel } from '../../support/fixtures';
import { testDatabaseKinds } from '../../support/testDatabases';
import { auditRowsOf } from '../../support/auditTrail';
import { ADD_MODEL, expectError, expectNothingWritten, storedModel, UUID_V4 } from '../../support/modelApi';
import { serverForEachFile } from '../../support/testServer';

const VALID_PARAMS = { model: 'openai/gpt-4o', api_key: 'sk-provider-0123456789' };

describe.each(testDatabaseKinds())('addModel on %s', (kind) => {
  const handle = serverForEachFile(kind);
  const add = (input: Record<string, unknown>) => handle.server.graphql(ADD_MODEL, { input });

  it('takes the id from modelInfo.id', async () => {
    const id = `my-model-${randomUUID()}`;
    const model = await addModel(handle.server, { modelName: 'gpt-4o', modelInfo: { id, description: 'primary' } });
    expect(model).toMatchObject({ id, modelName: 'gpt-4o', publicModelName: 'gpt-4o', source: 'DB', teamId: null });
    expect(model.modelInfo).toEqual({ id, description: 'primary' });
    expect((await storedModel(handle.server, id))?.model_info).toEqual({ id, description: 'primary' });
  });

  it('gives a model without modelInfo.id a new uuid v4, also written to model_info.id', async () => {
    const first = await addModel(handle.server);
    const second = await addModel(handle.server);
    expect(first.id).toMatch(UUID_V4);
    expect(second.id).toMatch(UUID_V4);
    expect(second.id).not.toBe(first.id);
    expect((await storedModel(handle.server, first.id))?.model_info).toEqual({ id: first.id });
  });

  it('writes one "created" audit row for the new model', async () => {
    const model = await addModel(handle.server);
    const rows = await auditRowsOf(handle.server, model.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ action: 'created', table_name: TABLES.proxyModel, changed_by: 'default_user_id', before_value: null });
    expect(rows[0].updated_values).toMatchObject({ model_id: model.id, model_name: model.modelName });
  });

  it('records default_user_id as created_by and updated_by when the master key adds a model', async () => {
    const model = await addModel(handle.server);
    expect(model).toMatchObject({ createdBy: 'default_user_id', updatedBy: 'default_user_id' });
    expect(await storedModel(handle.server, model.id)).toMatchObject({ created_by: 'default_user_id', updated_by: 'default_user_id' });
  });

  it('refuses a duplicate id with CONFLICT and writes nothing', async () => {
    const id = `duplicate-${randomUUID()}`;
    await addModel(handle.server, { modelName: 'first', modelInfo: { id } });
    const response = await expectNothingWritten(handle.server, () =>
      add({ modelName: 'second', litellmParams: { model: 'openai/gpt-4o-mini', api_key: 'sk-second-0123456789' }, modelInfo: { id } }),
    );
    expect(expectError(response, 'CONFLICT').message).toContain(id);
    expect((await storedModel(handle.server, id))?.model_name).toBe('first');
  });

  it('lets exactly one of many concurrent adds with the same id win; the others get CONFLICT', async () => {
    const id = `raced-${randomUUID()}`;
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, index) => add({ modelName: `racer-${index}`, litellmParams: VALID_PARAMS, modelInfo: { id } })),
    );
    const codes = responses.map((response) => response.errors?.[0].extensions?.code ?? 'OK').sort();
    expect(codes).toEqual(['OK', ...Array(9).fill('CONFLICT')].sort());
    expect(await auditRowsOf(handle.server, id)).toHaveLength(1);
  });

  it('refuses litellmParams without model with BAD_USER_INPUT naming litellmParams.model, and writes nothing', async () => {
    const response = await expectNothingWritten(handle.server, () => add({ modelName: 'no-model', litellmParams: { api_key: 'sk-x-0123456789' } }));
    expect(expectError(response, 'BAD_USER_INPUT').message).toContain('litellmParams.model');
  });

  it.each<[string, Record<string, unknown>]>([
    ['an empty modelName', { modelName: '', litellmParams: VALID_PARAMS }],
    ['a blank modelName', { modelName: '   ', litellmParams: VALID_PARAMS }],
    ['litellmParams that is a string', { modelName: 'm', litellmParams: 'openai/gpt-4o' }],
    ['litellmParams that is a list', { modelName: 'm', litellmParams: [VALID_PARAMS] }],
    ['litellmParams.model that is empty', { modelName: 'm', litellmParams: { model: '' } }],
    ['litellmParams.model that is not a string', { modelName: 'm', litellmParams: { model: 42 } }],
    ['modelInfo that is not an object', { modelName: 'm', litellmParams: VALID_PARAMS, modelInfo: 'team-1' }],
    ['modelInfo.team_id that is a number', { modelName: 'm', litellmParams: VALID_PARAMS, modelInfo: { team_id: 42 } }],
    ['modelInfo.team_id that is an object', { modelName: 'm', litellmParams: VALID_PARAMS, modelInfo: { team_id: { id: 't' } } }],
    ['modelInfo.team_id that is empty', { modelName: 'm', litellmParams: VALID_PARAMS, modelInfo: { team_id: '' } }],
    ['modelInfo.id that is a number', { modelName: 'm', litellmParams: VALID_PARAMS, modelInfo: { id: 7 } }],
    ['a NUL character in modelName', { modelName: 'gpt\u0000-4o', litellmParams: VALID_PARAMS }],
    ['a NUL character in a litellmParams value', { modelName: 'm', litellmParams: { ...VALID_PARAMS, api_base: 'https://x\u0000' } }],
    ['a NUL character in a litellmParams key', { modelName: 'm', litellmParams: { ...VALID_PARAMS, 'header\u0000': 'x' } }],
    ['a NUL character deep in modelInfo', { modelName: 'm', litellmParams: VALID_PARAMS, modelInfo: { tags: ['ok', 'bad\u0000'] } }],
  ])('refuses %s with BAD_USER_INPUT and writes nothing', async (_case, input) => {
    const response = await expectNothingWritten(handle.server, () => add(input));
    expectError(response, 'BAD_USER_INPUT');
    expect(response.data).toBeNull();
  });
});
