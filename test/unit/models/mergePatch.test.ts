import { mergeWhereNullKeeps, mergeWhereNullRemoves } from '../../../src/models/mergePatch';

const stored = (): Record<string, unknown> => ({ model: 'openai/gpt-4o', api_key: 'cipher-old', rpm: 60 });

describe('mergeWhereNullKeeps (updateModel)', () => {
  it('an incoming non-null value replaces the stored one', () => {
    expect(mergeWhereNullKeeps(stored(), { api_key: 'cipher-new' })).toEqual({ model: 'openai/gpt-4o', api_key: 'cipher-new', rpm: 60 });
  });

  it('an incoming null keeps the stored value', () => {
    expect(mergeWhereNullKeeps(stored(), { api_key: null, rpm: undefined })).toEqual(stored());
  });

  it('stored keys that are not incoming are kept and new keys are added', () => {
    expect(mergeWhereNullKeeps(stored(), { tpm: 1000 })).toEqual({ ...stored(), tpm: 1000 });
  });

  it('an incoming null for a key that is not stored does not add it', () => {
    expect(mergeWhereNullKeeps(stored(), { api_base: null })).not.toHaveProperty('api_base');
  });

  it('falsy values other than null replace: 0, false and "" are values', () => {
    expect(mergeWhereNullKeeps(stored(), { rpm: 0, stream: false, api_base: '' })).toMatchObject({ rpm: 0, stream: false, api_base: '' });
  });
});

describe('mergeWhereNullRemoves (patchModel)', () => {
  it('an incoming null removes the key', () => {
    expect(mergeWhereNullRemoves(stored(), { api_key: null })).toEqual({ model: 'openai/gpt-4o', rpm: 60 });
  });

  it('other incoming values replace, key by key and shallowly', () => {
    const merged = mergeWhereNullRemoves({ extra: { a: 1, b: 2 }, rpm: 60 }, { extra: { a: 3 } });
    expect(merged).toEqual({ extra: { a: 3 }, rpm: 60 });
  });

  it('an undefined incoming value leaves the stored key alone', () => {
    expect(mergeWhereNullRemoves(stored(), { rpm: undefined })).toEqual(stored());
  });

  it('removing a key that is not stored changes nothing', () => {
    expect(mergeWhereNullRemoves(stored(), { api_base: null })).toEqual(stored());
  });
});

describe('both merges', () => {
  it.each([mergeWhereNullKeeps, mergeWhereNullRemoves])('%p returns a new object and mutates neither input', (merge) => {
    const before = stored();
    const incoming = { api_key: null, rpm: 10 };
    const merged = merge(before, incoming);
    expect(merged).not.toBe(before);
    expect(before).toEqual(stored());
    expect(incoming).toEqual({ api_key: null, rpm: 10 });
  });

  it.each([mergeWhereNullKeeps, mergeWhereNullRemoves])('%p keeps a "__proto__" key as data, never as a prototype', (merge) => {
    const merged = merge({}, JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, unknown>);
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(Object.keys(merged)).toEqual(['__proto__']);
  });
});
