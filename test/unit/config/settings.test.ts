import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfigFile } from '../../../src/config/configFileModels';
import { ConfigFileError } from '../../../src/errors/ConfigFileError';
import { loadSettings, withConfigFileAlgorithm } from '../../../src/config/settings';
import { StartupError } from '../../../src/errors/StartupError';

describe('loadSettings: GraphiQL', () => {
  it('serves GraphiQL by default', () => {
    expect(loadSettings({}).graphiql).toBe(true);
  });

  it('turns it off with GRAPHIQL=false', () => {
    expect(loadSettings({ GRAPHIQL: 'false' }).graphiql).toBe(false);
    expect(loadSettings({ GRAPHIQL: '0' }).graphiql).toBe(false);
  });

  it('never serves it in production, even when GRAPHIQL=true', () => {
    expect(loadSettings({ NODE_ENV: 'production', GRAPHIQL: 'true' }).graphiql).toBe(false);
  });

  it('refuses a GRAPHIQL value that is not a boolean', () => {
    expect(() => loadSettings({ GRAPHIQL: 'maybe' })).toThrow(StartupError);
    expect(() => loadSettings({ GRAPHIQL: 'maybe' })).toThrow('GRAPHIQL: "maybe" is not true or false');
  });
});

describe('DATABASE_PREPARED_STATEMENTS', () => {
  it('prepares statements by default', () => {
    expect(loadSettings({}).databasePreparedStatements).toBe(true);
  });

  it('turns it off with false or 0, and refuses anything else', () => {
    expect(loadSettings({ DATABASE_PREPARED_STATEMENTS: 'false' }).databasePreparedStatements).toBe(false);
    expect(loadSettings({ DATABASE_PREPARED_STATEMENTS: '0' }).databasePreparedStatements).toBe(false);
    expect(() => loadSettings({ DATABASE_PREPARED_STATEMENTS: 'sometimes' })).toThrow('DATABASE_PREPARED_STATEMENTS: "sometimes" is not true or false');
  });
});

describe('loadSettings: REQUEST_TIMEOUT_MS', () => {
  it('defaults to 30 seconds', () => {
    expect(loadSettings({}).requestTimeoutMs).toBe(30_000);
  });

  it('reads a positive whole number of milliseconds', () => {
    expect(loadSettings({ REQUEST_TIMEOUT_MS: '1500' }).requestTimeoutMs).toBe(1500);
  });

  it.each(['0', '-1', '1.5', 'soon'])('refuses %s', (value) => {
    expect(() => loadSettings({ REQUEST_TIMEOUT_MS: value })).toThrow(StartupError);
  });
});

describe('loadSettings: the limits of subscriptions', () => {
  it('defaults to 20 subscriptions per connection, 50 connections per key, a key check every 30 s, no other origin', () => {
    expect(loadSettings({}).live).toEqual({ maxSubscriptionsPerConnection: 20, maxConnectionsPerKey: 50, keyRecheckMs: 30_000, allowedOrigins: [] });
  });

  it('reads each of them', () => {
    const { live } = loadSettings({
      LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION: '5',
      LIVE_MAX_CONNECTIONS_PER_KEY: '200',
      LIVE_KEY_RECHECK_MS: '1000',
      LIVE_ALLOWED_ORIGINS: ' https://dash.example.com , https://ops.example.com',
    });
    expect(live).toEqual({ maxSubscriptionsPerConnection: 5, maxConnectionsPerKey: 200, keyRecheckMs: 1000, allowedOrigins: ['https://dash.example.com', 'https://ops.example.com'] });
  });

  it('refuses a key check rarer than every 30 s, and limits that are not positive whole numbers', () => {
    expect(() => loadSettings({ LIVE_KEY_RECHECK_MS: '60000' })).toThrow('LIVE_KEY_RECHECK_MS: must be at most 30000');
    expect(() => loadSettings({ LIVE_MAX_CONNECTIONS_PER_KEY: '0' })).toThrow(StartupError);
    expect(() => loadSettings({ LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION: 'many' })).toThrow(StartupError);
  });
});

describe('loadSettings: salt keys', () => {
  it('reads LITELLM_SALT_KEY and LITELLM_SALT_KEY_PREVIOUS', () => {
    expect(loadSettings({ LITELLM_SALT_KEY: 'sk-new', LITELLM_SALT_KEY_PREVIOUS: 'sk-old' })).toMatchObject({ saltKey: 'sk-new', previousSaltKey: 'sk-old' });
  });

  it('has no previous salt key unless one is set', () => {
    expect(loadSettings({ LITELLM_SALT_KEY_PREVIOUS: '  ' }).previousSaltKey).toBeUndefined();
  });
});

describe('the encryption algorithm of new writes: config file, else LITELLM_ENCRYPTION_ALGORITHM, else aes-256-gcm', () => {
  let directory: string;
  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'encryption-algorithm-'));
  });
  afterAll(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  /** Writes the lines as a config file; line N of the file is the N-th argument. */
  function configFile(...lines: string[]): string {
    const path = join(directory, `config-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(path, `${lines.join('\n')}\n`);
    return path;
  }

  function effective(env: NodeJS.ProcessEnv, ...configLines: string[]) {
    const fromConfigFile = configLines.length ? loadConfigFile(configFile(...configLines), env).encryptionAlgorithm : undefined;
    return withConfigFileAlgorithm(loadSettings(env), fromConfigFile).encryptionAlgorithm;
  }

  it('is aes-256-gcm, from no setting, when nothing is set', () => {
    expect(effective({})).toEqual({ algorithm: 'aes-256-gcm', source: 'default' });
    expect(effective({}, 'model_list: []', 'general_settings:', '  master_key: sk-1234')).toEqual({ algorithm: 'aes-256-gcm', source: 'default' });
  });

  it('follows LITELLM_ENCRYPTION_ALGORITHM, in any case as the proxy compares it', () => {
    expect(effective({ LITELLM_ENCRYPTION_ALGORITHM: 'xsalsa20-poly1305' })).toEqual({ algorithm: 'xsalsa20-poly1305', source: 'LITELLM_ENCRYPTION_ALGORITHM' });
    expect(effective({ LITELLM_ENCRYPTION_ALGORITHM: ' AES-256-GCM ' })).toEqual({ algorithm: 'aes-256-gcm', source: 'LITELLM_ENCRYPTION_ALGORITHM' });
  });

  it("follows the config file's general_settings.encryption_algorithm over the environment", () => {
    const env = { LITELLM_ENCRYPTION_ALGORITHM: 'aes-256-gcm' };
    expect(effective(env, 'general_settings:', '  encryption_algorithm: xsalsa20-poly1305')).toEqual({
      algorithm: 'xsalsa20-poly1305',
      source: 'general_settings.encryption_algorithm',
    });
    expect(effective({ LITELLM_ENCRYPTION_ALGORITHM: 'xsalsa20-poly1305' }, 'general_settings:', '  encryption_algorithm: aes-256-gcm')).toEqual({
      algorithm: 'aes-256-gcm',
      source: 'general_settings.encryption_algorithm',
    });
  });

  it('reads the config setting through os.environ/NAME, aliases and merge keys, as the proxy does', () => {
    expect(effective({ ALGORITHM: 'xsalsa20-poly1305' }, 'general_settings:', '  encryption_algorithm: os.environ/ALGORITHM').algorithm).toBe('xsalsa20-poly1305');
    const merged = ['shared: &shared', '  encryption_algorithm: xsalsa20-poly1305', 'general_settings:', '  <<: *shared'];
    expect(effective({}, ...merged).algorithm).toBe('xsalsa20-poly1305');
  });

  it('keeps the environment when the config file has no such setting', () => {
    expect(effective({ LITELLM_ENCRYPTION_ALGORITHM: 'xsalsa20-poly1305' }, 'general_settings:', '  encryption_algorithm:')).toEqual({
      algorithm: 'xsalsa20-poly1305',
      source: 'LITELLM_ENCRYPTION_ALGORITHM',
    });
  });

  it.each(['aes', 'nacl', 'aes-128-gcm'])('refuses LITELLM_ENCRYPTION_ALGORITHM=%s with one line naming the setting and the values it takes', (value) => {
    expect(() => loadSettings({ LITELLM_ENCRYPTION_ALGORITHM: value })).toThrow(StartupError);
    expect(() => loadSettings({ LITELLM_ENCRYPTION_ALGORITHM: value })).toThrow(
      new RegExp(`^LITELLM_ENCRYPTION_ALGORITHM: "${value}" is not one of aes-256-gcm, xsalsa20-poly1305$`),
    );
  });

  it.each([
    ['an unknown name', '  encryption_algorithm: chacha20', /line 3: general_settings\.encryption_algorithm: "chacha20" is not one of aes-256-gcm, xsalsa20-poly1305$/],
    ['a number', '  encryption_algorithm: 256', /line 3: general_settings\.encryption_algorithm: 256 is not one of/],
    ['a list', '  encryption_algorithm: [aes-256-gcm]', /line 3: general_settings\.encryption_algorithm: \["aes-256-gcm"\] is not one of/],
  ])('refuses %s in the config file, naming the file and the line', (_case, line, message) => {
    const path = configFile('model_list: []', 'general_settings:', line);
    let error: unknown;
    try {
      loadConfigFile(path, {});
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ConfigFileError);
    expect((error as ConfigFileError).message).toMatch(message);
  });

  it('refuses general_settings that is not a mapping', () => {
    expect(() => loadConfigFile(configFile('general_settings: aes-256-gcm'), {})).toThrow(/line 1: general_settings must be a mapping$/);
  });

  it('refuses an os.environ/NAME setting whose variable is not set', () => {
    expect(() => loadConfigFile(configFile('general_settings:', '  encryption_algorithm: os.environ/UNSET'), {})).toThrow(
      /environment variable UNSET is not set/,
    );
  });
});
