import { isSecretKey, maskSecret, maskSecrets, MIN_LENGTH_TO_SHOW_ENDS, SECRET_KEY_NAMES } from '../../../src/crypto/maskSecrets';

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

  it('non-secret keys are untouched', () => {
    const params = { model: 'azure/gpt-4o', api_base: 'https://example.openai.azure.com', rpm: 60, tags: ['a'], extra: { region: 'eu' } };
    expect(maskSecrets(params)).toEqual(params);
  });

  it('max_tokens contains "token" yet its number is not a secret and is returned as is', () => {
    expect(maskSecrets({ max_tokens: 512, input_cost_per_token: 0.000001, use_token_cache: true })).toEqual({
      max_tokens: 512,
      input_cost_per_token: 0.000001,
      use_token_cache: true,
    });
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

  it('values that are not objects pass through', () => {
    expect(maskSecrets('plain')).toBe('plain');
    expect(maskSecrets(null)).toBeNull();
    expect(maskSecrets(3)).toBe(3);
  });

  it('a "__proto__" key (an own property after JSON.parse) stays data, masked like any other key', () => {
    const masked = maskSecrets(JSON.parse('{"__proto__": {"api_key": "sk-abcdefghijklmnopwxyz"}, "model": "m"}')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(masked)).toBe(Object.prototype);
    expect(Object.keys(masked)).toEqual(['__proto__', 'model']);
    expect(JSON.stringify(masked)).toBe('{"__proto__":{"api_key":"sk-****wxyz"},"model":"m"}');
  });

  it('classifies a key name the same on every call (names are classified once and remembered)', () => {
    for (let call = 0; call < 3; call += 1) {
      expect(maskSecrets({ API_KEY: 'sk-abcdefghijklmnopwxyz', model: 'sk-abcdefghijklmnopwxyz' })).toEqual({ API_KEY: 'sk-****wxyz', model: 'sk-abcdefghijklmnopwxyz' });
    }
  });
});
