import { ApiError } from '../../../src/errors/ApiError';
import type { AddModelInput, PatchModelInput } from '../../../src/models/model.input';
import {
  MAX_ID_LENGTH,
  MAX_MODEL_NAME_LENGTH,
  requireIdentifier,
  requireJsonObject,
  validateAddModelInput,
  validateModelFilter,
  validatePatchModelInput,
  validateUpdateModelInput,
} from '../../../src/models/validateModelInput';

const PARAMS = { model: 'openai/gpt-4o', api_key: 'sk-0123456789' };

/** The BAD_USER_INPUT that `run` throws; fails the test when it throws anything else or nothing. */
function badInput(run: () => unknown): ApiError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('BAD_USER_INPUT');
    return error as ApiError;
  }
  throw new Error('expected BAD_USER_INPUT, nothing was thrown');
}

const add = (input: Partial<AddModelInput>) => validateAddModelInput({ modelName: 'gpt-4o', litellmParams: PARAMS, ...input } as AddModelInput);

describe('validateAddModelInput', () => {
  it('returns the model with no id and no team when modelInfo is absent', () => {
    expect(add({})).toEqual({ id: undefined, modelName: 'gpt-4o', litellmParams: PARAMS, modelInfo: {}, teamId: null });
  });

  it('takes the id and the team from modelInfo, keeping the rest of modelInfo', () => {
    const modelInfo = { id: 'm-1', team_id: 'team-1', description: 'x' };
    expect(add({ modelInfo })).toEqual({ id: 'm-1', modelName: 'gpt-4o', litellmParams: PARAMS, modelInfo, teamId: 'team-1' });
  });

  it('trims the model name', () => {
    expect(add({ modelName: '  gpt-4o  ' }).modelName).toBe('gpt-4o');
  });

  it('treats a null modelInfo as none', () => {
    expect(add({ modelInfo: null }).modelInfo).toEqual({});
  });

  it('requires litellmParams.model, naming it', () => {
    expect(badInput(() => add({ litellmParams: { api_key: 'x' } })).message).toContain('litellmParams.model');
    badInput(() => add({ litellmParams: { model: '  ' } }));
    badInput(() => add({ litellmParams: { model: 5 } }));
  });

  it.each<[string, Partial<AddModelInput>, string]>([
    ['an empty model name', { modelName: '' }, 'modelName'],
    ['a blank model name', { modelName: ' \t ' }, 'modelName'],
    ['a model name that is too long', { modelName: 'm'.repeat(MAX_MODEL_NAME_LENGTH + 1) }, 'modelName'],
    ['litellmParams that is null', { litellmParams: null }, 'litellmParams'],
    ['litellmParams that is a list', { litellmParams: [PARAMS] }, 'litellmParams'],
    ['litellmParams that is a string', { litellmParams: 'openai/gpt-4o' }, 'litellmParams'],
    ['modelInfo that is a list', { modelInfo: [] }, 'modelInfo'],
    ['modelInfo.team_id that is a number', { modelInfo: { team_id: 1 } }, 'modelInfo.team_id'],
    ['modelInfo.team_id that is blank', { modelInfo: { team_id: ' ' } }, 'modelInfo.team_id'],
    ['modelInfo.id that is a boolean', { modelInfo: { id: true } }, 'modelInfo.id'],
    ['modelInfo.id that is too long', { modelInfo: { id: 'i'.repeat(MAX_ID_LENGTH + 1) } }, 'modelInfo.id'],
    ['a NUL character in the model name', { modelName: 'a\u0000' }, 'modelName'],
    ['a NUL character in a nested litellmParams value', { litellmParams: { ...PARAMS, extra: { deep: ['\u0000'] } } }, 'litellmParams.extra.deep[0]'],
    ['a NUL character in a modelInfo key', { modelInfo: { 'k\u0000': 1 } }, 'modelInfo key'],
  ])('refuses %s, naming %s', (_case, input, field) => {
    expect(badInput(() => add(input)).message).toContain(field);
  });

  it('accepts the longest allowed model name and id', () => {
    expect(() => add({ modelName: 'm'.repeat(MAX_MODEL_NAME_LENGTH), modelInfo: { id: 'i'.repeat(MAX_ID_LENGTH) } })).not.toThrow();
  });
});

describe('validateUpdateModelInput', () => {
  it('returns the id and the incoming litellmParams, nulls included (they keep stored values)', () => {
    expect(validateUpdateModelInput({ id: 'm-1', litellmParams: { model: null, rpm: 5 } })).toEqual({ id: 'm-1', litellmParams: { model: null, rpm: 5 } });
  });

  it('refuses an empty id, litellmParams that is not an object, and an empty model', () => {
    badInput(() => validateUpdateModelInput({ id: '', litellmParams: {} }));
    badInput(() => validateUpdateModelInput({ id: 'm-1', litellmParams: 'x' }));
    badInput(() => validateUpdateModelInput({ id: 'm-1', litellmParams: { model: '' } }));
  });
});

describe('validatePatchModelInput', () => {
  const patch = (input: PatchModelInput) => validatePatchModelInput(input);

  it('keeps only the parts given; null parts are left out', () => {
    expect(patch({})).toEqual({});
    expect(patch({ modelName: null, litellmParams: null, modelInfo: null })).toEqual({});
    expect(patch({ modelName: ' renamed ', litellmParams: { rpm: 1, api_key: null }, modelInfo: { tier: null } })).toEqual({
      modelName: 'renamed',
      litellmParams: { rpm: 1, api_key: null },
      modelInfo: { tier: null },
    });
  });

  it('allows removing the team with team_id: null', () => {
    expect(patch({ modelInfo: { team_id: null } })).toEqual({ modelInfo: { team_id: null } });
  });

  it.each<[string, PatchModelInput, string]>([
    ['a change of modelInfo.id', { modelInfo: { id: 'other' } }, 'modelInfo.id'],
    ['removing modelInfo.id', { modelInfo: { id: null } }, 'modelInfo.id'],
    ['removing litellmParams.model', { litellmParams: { model: null } }, 'litellmParams.model'],
    ['a blank litellmParams.model', { litellmParams: { model: ' ' } }, 'litellmParams.model'],
    ['an empty model name', { modelName: '' }, 'modelName'],
    ['modelInfo.team_id that is a list', { modelInfo: { team_id: ['t'] } }, 'team_id'],
    ['modelInfo that is a string', { modelInfo: 'x' }, 'modelInfo'],
  ])('refuses %s', (_case, input, field) => {
    expect(badInput(() => patch(input)).message).toContain(field);
  });
});

describe('litellm_credential_name', () => {
  it.each([
    ['an empty string', ''],
    ['blank', '   '],
    ['a number', 7],
    ['an object', { name: 'x' }],
    ['too long', 'c'.repeat(MAX_ID_LENGTH + 1)],
  ])('must name a stored credential: %s is refused everywhere it can be given', (_what, name) => {
    const litellmParams = { ...PARAMS, litellm_credential_name: name };
    expect(badInput(() => add({ litellmParams })).message).toContain('litellmParams.litellm_credential_name');
    expect(badInput(() => validateUpdateModelInput({ id: 'm', litellmParams })).message).toContain('litellmParams.litellm_credential_name');
    expect(badInput(() => validatePatchModelInput({ litellmParams } as PatchModelInput)).message).toContain('patch.litellmParams.litellm_credential_name');
  });

  it('accepts a name, and null (which detaches it in a patch and keeps it in an update)', () => {
    expect(add({ litellmParams: { ...PARAMS, litellm_credential_name: 'azure-prod' } }).litellmParams.litellm_credential_name).toBe('azure-prod');
    expect(validatePatchModelInput({ litellmParams: { litellm_credential_name: null } } as PatchModelInput).litellmParams).toEqual({ litellm_credential_name: null });
    expect(validateUpdateModelInput({ id: 'm', litellmParams: { litellm_credential_name: null } }).litellmParams).toEqual({ litellm_credential_name: null });
  });
});

describe('validateModelFilter', () => {
  it('accepts no filter and ordinary strings', () => {
    expect(() => validateModelFilter(undefined)).not.toThrow();
    expect(() => validateModelFilter({ modelName: 'gpt', teamId: 'team-1' })).not.toThrow();
  });

  it('refuses a NUL character in modelName or teamId', () => {
    expect(badInput(() => validateModelFilter({ modelName: 'g\u0000' })).message).toContain('filter.modelName');
    expect(badInput(() => validateModelFilter({ teamId: '\u0000' })).message).toContain('filter.teamId');
  });
});

describe('requireIdentifier and requireJsonObject', () => {
  it('return valid values as they are', () => {
    expect(requireIdentifier('m-1', 'id')).toBe('m-1');
    expect(requireJsonObject({ a: 1 }, 'x')).toEqual({ a: 1 });
  });

  it.each([[undefined], [null], [''], ['  '], [42], ['a\u0000b']])('requireIdentifier refuses %p', (value) => {
    expect(badInput(() => requireIdentifier(value, 'id')).message).toContain('id');
  });

  it.each([[null], [[]], ['{}'], [1]])('requireJsonObject refuses %p', (value) => {
    expect(badInput(() => requireJsonObject(value, 'field')).message).toBe('field must be a JSON object.');
  });
});
