import {
  CREDENTIAL_HEADER_NAMES,
  isCredentialHeader,
  isNonSecretParameter,
  isSecretKey,
  maskEntry,
  maskSecret,
  maskSecrets,
  maskUrlCredentials,
  MIN_LENGTH_TO_SHOW_ENDS,
  NON_SECRET_PARAMETERS,
  SECRET_KEY_NAMES,
} from '../../../src/crypto/maskSecrets';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_*';

function secretOfLength(length: number, seed: number): string {
  return Array.from({ length }, (_, index) => ALPHABET[(index * 7 + seed * 13) % ALPHABET.length]).join('');
}

describe('isSecretKey', () => {
  it.each(SECRET_KEY_NAMES)('the named secret key %s is secret-bearing', (name) => {
    expect(isSecretKey(name)).toBe(true);
  });

  it.each(['azure_ad_token', 'client_secret', 'db_password', 'litellm_credential_name', 'x-api-KEY', 'API_KEY'])(
    'a key containing a secret fragment, in any case, is secret-bearing (%s)',
    (name) => expect(isSecretKey(name)).toBe(true),
  );

  it.each(['model', 'api_base', 'api_version', 'rpm', 'region_name'])('%s is not secret-bearing', (name) => {
    expect(isSecretKey(name)).toBe(false);
  });

  it.each([
    'max_tokens',
    'MAX_INPUT_TOKENS',
    'max_output_tokens',
    'input_cost_per_token',
    'output_cost_per_reasoning_token',
    'input_cost_per_token_above_128k_tokens',
    'input_cost_per_character_above_128k_tokens',
    'cache_read_input_token_cost',
    'cache_creation_input_token_cost_above_1hr',
    'default_api_key_tpm_limit',
  ])('the documented non-secret parameter %s contains a fragment yet is not secret-bearing', (name) => {
    expect(isNonSecretParameter(name)).toBe(true);
    expect(isSecretKey(name)).toBe(false);
  });

  it.each(['tokenizer', 'aws_access_key_id', 's3_encryption_key_id', 'litellm_credential_name', 'key', 'max_tokens_secret', 'api_key_cost_per_token', 'secret_token_cost', 'input_cost_per_token_password'])(
    '%s is not on the non-secret list: its values stay masked',
    (name) => {
      expect(isNonSecretParameter(name)).toBe(false);
      expect(isSecretKey(name)).toBe(true);
    },
  );

  it('every entry of the non-secret list names a parameter containing a secret fragment (the list exists only for those)', () => {
    for (const entry of NON_SECRET_PARAMETERS) expect({ entry, hasFragment: /key|secret|token|password|credential/i.test(entry) }).toEqual({ entry, hasFragment: true });
  });

  it('classifies a name the same however often it is asked (nothing is remembered between calls)', () => {
    for (let call = 0; call < 3; call += 1) {
      expect([isSecretKey('API_KEY'), isSecretKey('model'), isSecretKey('max_tokens')]).toEqual([true, false, false]);
    }
  });
});

describe('isCredentialHeader', () => {
  it.each([...CREDENTIAL_HEADER_NAMES, 'Authorization', 'PROXY-AUTHORIZATION', 'Cookie', 'X-Api-Key', 'x-goog-api-key', 'X-Auth-Token', 'X-Auth-Key', 'api_key', 'Ocp-Apim-Subscription-Key'])(
    '%s carries a credential',
    (name) => expect(isCredentialHeader(name)).toBe(true),
  );

  it.each(['Content-Type', 'X-Request-Id', 'anthropic-version', 'OpenAI-Organization', 'User-Agent'])('%s carries no credential', (name) => {
    expect(isCredentialHeader(name)).toBe(false);
  });
});

describe('maskUrlCredentials', () => {
  it.each([
    ['https://user:pass@example.com/v1', 'https://****@example.com/v1'],
    ['redis://:hunter2-password@cache:6379/0', 'redis://****@cache:6379/0'],
    ['postgres://admin@db.internal', 'postgres://****@db.internal'],
    ['https://user:p@ss@example.com/v1', 'https://****@example.com/v1'],
    ['https://u:p@a.example/x?next=https://v:q@b.example', 'https://****@a.example/x?next=https://****@b.example'],
    ['call https://u:p@a.example then http://v:q@b.example/', 'call https://****@a.example then http://****@b.example/'],
  ])('%s → %s (scheme, host and path kept, userinfo masked)', (text, masked) => {
    expect(maskUrlCredentials(text)).toBe(masked);
  });

  it.each(['https://example.com/v1', 'https://example.com/models/claude@2024', 'mailto:someone@example.com', 'user@example.com', 'no url here'])(
    'leaves %s as it is: no userinfo',
    (text) => expect(maskUrlCredentials(text)).toBe(text),
  );

  it('runs in one pass over a long hostile text', () => {
    const hostile = `${'a'.repeat(200_000)}://${'b'.repeat(200_000)} @ ${'://'.repeat(50_000)}`;
    const startedAt = Date.now();
    maskUrlCredentials(hostile);
    expect(Date.now() - startedAt).toBeLessThan(1_000);
  });
});

describe('maskSecret', () => {
  it('shows the first 3 and last 4 characters of a long secret', () => {
    expect(maskSecret('sk-abcdefghijklmnopwxyz')).toBe('sk-****wxyz');
  });

  it('masks a short secret whole', () => {
    expect(maskSecret('sk-short')).not.toMatch(/[^*]/);
    expect(maskSecret('x'.repeat(MIN_LENGTH_TO_SHOW_ENDS - 1))).not.toMatch(/x/);
  });

  it('never returns the original value, whatever its length or characters', () => {
    for (let length = 0; length <= 64; length += 1) {
      for (const value of [secretOfLength(length, length), '*'.repeat(length)]) {
        expect(maskSecret(value)).not.toBe(value);
      }
    }
  });

  it('never shows more than 7 characters of the secret', () => {
    for (let length = 0; length <= 64; length += 1) {
      expect(maskSecret('a'.repeat(length)).replace(/\*/g, '').length).toBeLessThanOrEqual(7);
    }
  });
});

describe('maskSecrets', () => {
  it('api_key is masked to its first 3 and last 4 characters', () => {
    expect(maskSecrets({ api_key: 'sk-abcdefghijklmnopwxyz' })).toEqual({ api_key: 'sk-****wxyz' });
  });

  it('a nested vertex_credentials object is masked whole', () => {
    const masked = maskSecrets({ litellm_params: { vertex_credentials: { type: 'service_account', private_key: 'PEM' } } });
    const credentials = (masked as { litellm_params: { vertex_credentials: unknown } }).litellm_params.vertex_credentials;
    expect(typeof credentials).toBe('string');
    expect(credentials).not.toContain('PEM');
    expect(credentials).toMatch(/^\{"t\*\*\*\*/);
  });

  it('non-secret keys are untouched (no URL in them carries credentials)', () => {
    const params = { model: 'azure/gpt-4o', api_base: 'https://example.openai.azure.com', rpm: 60, tags: ['a'], extra: { region: 'eu' } };
    expect(maskSecrets(params)).toEqual(params);
  });

  it('max_tokens contains "token" yet it is a documented non-secret parameter: its number is returned as is', () => {
    const params = { max_tokens: 512, input_cost_per_token: 0.000001, cache_read_input_token_cost: 0, default_api_key_rpm_limit: 100, max_output_tokens: null };
    expect(maskSecrets(params)).toEqual(params);
  });

  it('a documented non-secret parameter shows a boolean, and a string spelling a number (an os.environ/ value)', () => {
    expect(maskSecrets({ max_tokens: '4096', input_cost_per_token: ' 2.5e-6 ', max_input_tokens: true })).toEqual({ max_tokens: '4096', input_cost_per_token: ' 2.5e-6 ', max_input_tokens: true });
  });

  it('any other value under a documented non-secret parameter is masked whole: a price holding text may be a pasted secret', () => {
    expect(maskSecrets({ max_tokens: 'sk-pasted-in-the-wrong-field', input_cost_per_token: { api: 'x' }, max_output_tokens: ['1'] })).toEqual({
      max_tokens: maskSecret('sk-pasted-in-the-wrong-field'),
      input_cost_per_token: maskSecret(JSON.stringify({ api: 'x' })),
      max_output_tokens: maskSecret('["1"]'),
    });
  });

  it.each([
    ['password', 987654321],
    ['db_password', 123456789012345],
    ['session_token', 42],
    ['use_token_cache', true],
    ['client_secret', false],
  ])('a %s holding a number or boolean is masked: a secret-bearing key hides every type', (name, value) => {
    const masked = maskEntry(name, value);
    expect(masked).not.toBe(value);
    expect(typeof masked).toBe('string');
    expect(masked).not.toContain(String(value));
  });

  it('a list or object under a fragment-matched key is masked as a whole', () => {
    expect(maskSecrets({ api_tokens: ['t-1', 't-2'], my_secret: { nested: 'v' } })).toEqual({ api_tokens: maskSecret('["t-1","t-2"]'), my_secret: maskSecret('{"nested":"v"}') });
  });

  it('a string under a fragment-matched key is masked', () => {
    expect(maskSecrets({ azure_ad_token: 'eyJhbGciOiJIUzI1NiJ9.payload' })).toEqual({ azure_ad_token: 'eyJ****load' });
  });

  it('a number under a named secret key is masked', () => {
    expect(maskSecrets({ api_key: 123456789012345 })).toEqual({ api_key: '123****2345' });
  });

  it('secrets inside arrays and nested objects under non-secret keys are masked', () => {
    const masked = maskSecrets({ fallbacks: [{ model: 'm', api_key: 'sk-abcdefghijklmnopwxyz' }], nested: { aws_session_token: 'short' } });
    expect(masked).toEqual({ fallbacks: [{ model: 'm', api_key: 'sk-****wxyz' }], nested: { aws_session_token: maskSecret('short') } });
  });

  it('null under a secret key stays null: there is nothing to reveal', () => {
    expect(maskSecrets({ api_key: null })).toEqual({ api_key: null });
  });

  it('the input is never mutated', () => {
    const input = { api_key: 'sk-abcdefghijklmnopwxyz', nested: { password: 'hunter2-but-longer' }, list: [{ token: 'abcdefghijklmnop' }] };
    const snapshot = structuredClone(input);
    maskSecrets(input);
    expect(input).toEqual(snapshot);
  });

  it('values that are not objects pass through, text with its URL credentials masked', () => {
    expect(maskSecrets('plain')).toBe('plain');
    expect(maskSecrets('https://u:p@h.example')).toBe('https://****@h.example');
    expect(maskSecrets(null)).toBeNull();
    expect(maskSecrets(3)).toBe(3);
  });

  it('a "__proto__" key (an own property after JSON.parse) stays data, masked like any other key', () => {
    const masked = maskSecrets(JSON.parse('{"__proto__": {"api_key": "sk-abcdefghijklmnopwxyz"}, "model": "m"}')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(masked)).toBe(Object.prototype);
    expect(Object.keys(masked)).toEqual(['__proto__', 'model']);
    expect(JSON.stringify(masked)).toBe('{"__proto__":{"api_key":"sk-****wxyz"},"model":"m"}');
  });

  it('masks the same input the same way on every call', () => {
    for (let call = 0; call < 3; call += 1) {
      expect(maskSecrets({ API_KEY: 'sk-abcdefghijklmnopwxyz', model: 'sk-abcdefghijklmnopwxyz' })).toEqual({ API_KEY: 'sk-****wxyz', model: 'sk-abcdefghijklmnopwxyz' });
    }
  });
});

describe('maskSecrets: the userinfo of any URL, at any depth', () => {
  it('api_base keeps its scheme, host and path; its userinfo is masked', () => {
    expect(maskSecrets({ api_base: 'https://svc-user:svc-pass-0123@proxy.example.com/v1' })).toEqual({ api_base: 'https://****@proxy.example.com/v1' });
  });

  it('inside lists and nested objects, and in model_info', () => {
    const masked = maskSecrets({ fallbacks: [{ api_base: 'http://a:b@one.example' }, 'redis://:pw-0123456@cache:6379'], model_info: { docs: { url: 'https://u:p@docs.example/x' } } });
    expect(masked).toEqual({ fallbacks: [{ api_base: 'http://****@one.example' }, 'redis://****@cache:6379'], model_info: { docs: { url: 'https://****@docs.example/x' } } });
  });
});

describe('maskSecrets: credential-bearing headers', () => {
  const BEARER = 'Bearer sk-header-secret-0123456789';

  it('extra_headers as a map: Authorization, Proxy-Authorization, Cookie and x-api-key are masked, other headers kept', () => {
    const masked = maskSecrets({
      extra_headers: { Authorization: BEARER, 'Proxy-Authorization': 'Basic dXNlcjpwYXNzd29yZA==', Cookie: 'session=abc', 'X-API-KEY': 'k-0123456789abcd', 'anthropic-version': '2023-06-01' },
    });
    expect(masked).toEqual({
      extra_headers: { Authorization: maskSecret(BEARER), 'Proxy-Authorization': maskSecret('Basic dXNlcjpwYXNzd29yZA=='), Cookie: maskSecret('session=abc'), 'X-API-KEY': maskSecret('k-0123456789abcd'), 'anthropic-version': '2023-06-01' },
    });
  });

  it('headers as a [{name, value}] list, at any depth; the names stay readable', () => {
    const masked = maskSecrets({ fallbacks: [{ headers: [{ name: 'authorization', value: BEARER }, { name: 'X-Trace', value: 'on' }] }] });
    expect(masked).toEqual({ fallbacks: [{ headers: [{ name: 'authorization', value: maskSecret(BEARER) }, { name: 'X-Trace', value: 'on' }] }] });
  });

  it('a list entry naming its header under `key` keeps the name readable and masks the value', () => {
    expect(maskSecrets({ headers: [{ key: 'Authorization', value: BEARER }] })).toEqual({ headers: [{ key: 'Authorization', value: maskSecret(BEARER) }] });
  });

  it('a header whose name matches a secret fragment is masked (x-goog-api-key, X-Auth-Token)', () => {
    expect(maskSecrets({ extra_headers: { 'x-goog-api-key': 'AIzaSy-0123456789', 'X-Auth-Token': 'tok-0123456789' } })).toEqual({
      extra_headers: { 'x-goog-api-key': maskSecret('AIzaSy-0123456789'), 'X-Auth-Token': maskSecret('tok-0123456789') },
    });
  });

  it('"Name: value" lines mask the value of a credential header', () => {
    expect(maskSecrets({ headers: [`Authorization: ${BEARER}`, 'Accept: application/json'] })).toEqual({ headers: [`Authorization: ${maskSecret(BEARER)}`, 'Accept: application/json'] });
  });

  it('a credential header holding a list or a number is masked whole', () => {
    expect(maskSecrets({ extra_headers: { Cookie: ['a=1', 'b=2'], 'x-api-key': 123456789 } })).toEqual({ extra_headers: { Cookie: maskSecret('["a=1","b=2"]'), 'x-api-key': maskSecret('123456789') } });
  });

  it('headers given as one string are masked whole: which part is the credential cannot be told', () => {
    expect(maskSecrets({ extra_headers: `{"Authorization": "${BEARER}"}` })).toEqual({ extra_headers: maskSecret(`{"Authorization": "${BEARER}"}`) });
  });

  it('a non-credential header with a URL in it has the URL userinfo masked', () => {
    expect(maskSecrets({ extra_headers: { Referer: 'https://u:p@app.example/' } })).toEqual({ extra_headers: { Referer: 'https://****@app.example/' } });
  });

  it('never leaves a credential header value in the output, whatever the shape', () => {
    const shapes = [
      { extra_headers: { authorization: BEARER } },
      { headers: [{ name: 'Authorization', value: BEARER }] },
      { default_headers: { Authorization: BEARER } },
      { nested: { extra_headers: [{ header: 'Cookie', value: BEARER }] } },
    ];
    for (const shape of shapes) expect(JSON.stringify(maskSecrets(shape))).not.toContain('sk-header-secret');
  });
});
