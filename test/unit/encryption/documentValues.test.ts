// Which strings of a stored document hold salt-key values, and the document with some replaced in the shape it was stored in.
import { callbackVariables, everyString, namedStrings, snapshotParts, topLevelStrings, UNREADABLE_DOCUMENT, withReplacedValues } from '../../../src/encryption/documentValues';

describe('selecting the salt-key values of a document', () => {
  it('takes every top-level string of litellm_params, and nothing nested or of another type', () => {
    const params = { model: 'm', api_key: 'k', rpm: 60, stream: true, tags: ['a'], extra_headers: { Authorization: 'x' }, none: null };
    expect(topLevelStrings(params)).toEqual([
      { path: ['model'], name: 'model', value: 'm' },
      { path: ['api_key'], name: 'api_key', value: 'k' },
    ]);
  });

  it('reads the JSON text older proxies stored, and nothing from an absent column', () => {
    expect(topLevelStrings(JSON.stringify({ api_key: 'k' }))).toEqual([{ path: ['api_key'], name: 'api_key', value: 'k' }]);
    expect(topLevelStrings(null)).toEqual([]);
    expect(topLevelStrings(undefined)).toEqual([]);
  });

  it('calls a column that is not a JSON object unreadable', () => {
    expect(topLevelStrings('not json')).toBe(UNREADABLE_DOCUMENT);
    expect(topLevelStrings([1, 2])).toBe(UNREADABLE_DOCUMENT);
    expect(topLevelStrings(7)).toBe(UNREADABLE_DOCUMENT);
  });

  it('takes only the named fields of a settings object', () => {
    expect(namedStrings(['api_key'])({ api_key: 'k', base_url: 'u' })).toEqual([{ path: ['api_key'], name: 'api_key', value: 'k' }]);
  });

  it("takes litellm_params and credential_values of an audit snapshot, each maybe JSON text, with their column's name in the path", () => {
    const snapshot = { model_id: 'm1', model_name: 'n', litellm_params: JSON.stringify({ api_key: 'k', rpm: 1 }), credential_values: { token: 't' } };
    expect(snapshotParts(['litellm_params', 'credential_values'])(JSON.stringify(snapshot))).toEqual([
      { path: ['litellm_params', 'api_key'], name: 'api_key', value: 'k' },
      { path: ['credential_values', 'token'], name: 'token', value: 't' },
    ]);
    expect(snapshotParts(['litellm_params'])({ aliases: { a: 'b' } })).toEqual([]);
    expect(snapshotParts(['litellm_params'])({ litellm_params: 'not json' })).toBe(UNREADABLE_DOCUMENT);
  });

  it('takes the callback variables of a metadata object, without the proxy marker', () => {
    const metadata = {
      owner: 'someone',
      logging: [{ callback_name: 'langfuse', callback_vars: { langfuse_secret_key: 'litellm_enc::v3:gcm:abc', langfuse_host: 'https://h' } }],
      callback_settings: { callback_vars: { api_key: 'litellm_enc::xyz' } },
    };
    expect(callbackVariables(metadata)).toEqual([
      { path: ['logging', '0', 'callback_vars', 'langfuse_secret_key'], name: 'langfuse_secret_key', value: 'v3:gcm:abc' },
      { path: ['logging', '0', 'callback_vars', 'langfuse_host'], name: 'langfuse_host', value: 'https://h' },
      { path: ['callback_settings', 'callback_vars', 'api_key'], name: 'api_key', value: 'xyz' },
    ]);
  });

  it('takes every string of a document, named by the key above it', () => {
    expect(everyString('credentials')({ auth: { token: 't' }, list: ['x'] })).toEqual([
      { path: ['auth', 'token'], name: 'token', value: 't' },
      { path: ['list', '0'], name: 'list', value: 'x' },
    ]);
    expect(everyString('credential_b64')('v3:gcm:abc')).toEqual([{ path: [], name: 'credential_b64', value: 'v3:gcm:abc' }]);
  });
});

describe('withReplacedValues', () => {
  it('replaces the strings at the paths and leaves the rest, the original untouched', () => {
    const document = { model: 'm', api_key: 'old', rpm: 60 };
    expect(withReplacedValues(document, [{ path: ['api_key'], value: 'new' }])).toEqual({ model: 'm', api_key: 'new', rpm: 60 });
    expect(document.api_key).toBe('old');
  });

  it('keeps a document stored as JSON text as JSON text, at the top and nested', () => {
    const snapshot = JSON.stringify({ model_id: 'm1', litellm_params: JSON.stringify({ api_key: 'old' }) });
    const replaced = withReplacedValues(snapshot, [{ path: ['litellm_params', 'api_key'], value: 'new' }]);
    expect(typeof replaced).toBe('string');
    const row = JSON.parse(replaced as string);
    expect(JSON.parse(row.litellm_params)).toEqual({ api_key: 'new' });
  });

  it('keeps a "__proto__" key as data', () => {
    const document = JSON.parse('{"__proto__": "old", "api_key": "k"}');
    const replaced = withReplacedValues(document, [{ path: ['__proto__'], value: 'new' }]) as Record<string, unknown>;
    expect(Object.getPrototypeOf(replaced)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(replaced, '__proto__')?.value).toBe('new');
  });

  it('refuses a path the document does not have', () => {
    expect(() => withReplacedValues({ a: 'x' }, [{ path: ['b'], value: 'y' }])).toThrow('no value at b');
  });
});
