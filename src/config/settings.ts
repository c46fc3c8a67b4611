// Everything the server reads from the environment, validated once at start.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_ENCRYPTION_ALGORITHM, ENCRYPTION_ALGORITHMS, parseEncryptionAlgorithm, type EncryptionAlgorithm } from '../crypto/AtRestCipher';
import { StartupError } from '../errors/StartupError';

export const DEFAULT_PORT = 4000;
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_DATA_DIR = './.data';
export const DEFAULT_CONFIG_FILE = './config.yaml';
export const DEFAULT_DATABASE_POOL_SIZE = 10;
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
export const DEFAULT_LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION = 20;
export const DEFAULT_LIVE_MAX_CONNECTIONS_PER_KEY = 50;
/** The longest a revoked key may keep its WebSocket connections (the bound; a shorter one may be set). */
export const MAX_LIVE_KEY_RECHECK_MS = 30_000;

/** The config file's setting of the proxy's write algorithm; it wins over the environment, as it does in the proxy. */
export const CONFIG_ENCRYPTION_ALGORITHM_SETTING = 'general_settings.encryption_algorithm';
export const ENV_ENCRYPTION_ALGORITHM_SETTING = 'LITELLM_ENCRYPTION_ALGORITHM';

/** The algorithm values are written in, and the setting that chose it ('default' when none did). */
export interface EncryptionAlgorithmSetting {
  algorithm: EncryptionAlgorithm;
  source: typeof CONFIG_ENCRYPTION_ALGORITHM_SETTING | typeof ENV_ENCRYPTION_ALGORITHM_SETTING | 'default';
}

export interface Settings {
  /** postgres:// URL of a real server; undefined means the embedded PGlite database. */
  databaseUrl?: string;
  /** Connections in the pool (DATABASE_POOL_SIZE); the embedded database always uses one. */
  databasePoolSize: number;
  /** DATABASE_PREPARED_STATEMENTS: prepare the repositories' statements by name on each connection (default on). */
  databasePreparedStatements: boolean;
  port: number;
  host: string;
  /** LITELLM_MASTER_KEY; may be filled in later from the embedded database's key file. */
  masterKey?: string;
  /** LITELLM_SALT_KEY: the at-rest encryption key; falls back to the master key. */
  saltKey?: string;
  /** LITELLM_SALT_KEY_PREVIOUS: a salt key being rotated out, tried on reads only. */
  previousSaltKey?: string;
  /**
   * LITELLM_ENCRYPTION_ALGORITHM, else the default (aes-256-gcm). The config file's
   * general_settings.encryption_algorithm overrides it once the file is read (withConfigFileAlgorithm).
   */
  encryptionAlgorithm: EncryptionAlgorithmSetting;
  /** Path of the proxy-format config file, when one is used. */
  configFile?: string;
  /** Where the embedded database and its generated master key live. */
  dataDir: string;
  /** development shows error details; production turns off GraphiQL and introspection. */
  production: boolean;
  /** Serve GraphiQL to browsers at GET /graphql (GRAPHIQL, default true; always off in production). */
  graphiql: boolean;
  /** REQUEST_TIMEOUT_MS: a GraphQL request still running after this long is answered with an error. */
  requestTimeoutMs: number;
  /** Subscriptions over WebSocket (README "Live changes"). */
  live: {
    /** LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION: subscriptions one WebSocket connection may hold at once. */
    maxSubscriptionsPerConnection: number;
    /** LIVE_MAX_CONNECTIONS_PER_KEY: WebSocket connections one API key may hold on one instance. */
    maxConnectionsPerKey: number;
    /** LIVE_KEY_RECHECK_MS: the longest time between two checks of a connection's key (at most 30 s). */
    keyRecheckMs: number;
    /** LIVE_ALLOWED_ORIGINS: browser origins besides the server's own that may open a WebSocket (comma-separated). */
    allowedOrigins: string[];
  };
}

export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const production = env.NODE_ENV === 'production';
  return {
    databaseUrl: parseDatabaseUrl(env.DATABASE_URL),
    databasePoolSize: parsePositiveInteger('DATABASE_POOL_SIZE', env.DATABASE_POOL_SIZE, DEFAULT_DATABASE_POOL_SIZE),
    databasePreparedStatements: parseBoolean('DATABASE_PREPARED_STATEMENTS', env.DATABASE_PREPARED_STATEMENTS, true),
    port: parsePort(env.PORT),
    host: nonEmpty(env.HOST) ?? DEFAULT_HOST,
    masterKey: nonEmpty(env.LITELLM_MASTER_KEY),
    saltKey: nonEmpty(env.LITELLM_SALT_KEY),
    previousSaltKey: nonEmpty(env.LITELLM_SALT_KEY_PREVIOUS),
    encryptionAlgorithm: parseEncryptionAlgorithmSetting(env[ENV_ENCRYPTION_ALGORITHM_SETTING]),
    configFile: resolveConfigFile(env.CONFIG_FILE),
    dataDir: path.resolve(nonEmpty(env.DATA_DIR) ?? DEFAULT_DATA_DIR),
    production,
    graphiql: !production && parseBoolean('GRAPHIQL', env.GRAPHIQL, true),
    requestTimeoutMs: parsePositiveInteger('REQUEST_TIMEOUT_MS', env.REQUEST_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS),
    live: {
      maxSubscriptionsPerConnection: parsePositiveInteger(
        'LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION',
        env.LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION,
        DEFAULT_LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION,
      ),
      maxConnectionsPerKey: parsePositiveInteger('LIVE_MAX_CONNECTIONS_PER_KEY', env.LIVE_MAX_CONNECTIONS_PER_KEY, DEFAULT_LIVE_MAX_CONNECTIONS_PER_KEY),
      keyRecheckMs: parseKeyRecheckMs(env.LIVE_KEY_RECHECK_MS),
      allowedOrigins: (nonEmpty(env.LIVE_ALLOWED_ORIGINS) ?? '').split(',').map((origin) => origin.trim()).filter(Boolean),
    },
  };
}

function parseKeyRecheckMs(raw: string | undefined): number {
  const value = parsePositiveInteger('LIVE_KEY_RECHECK_MS', raw, MAX_LIVE_KEY_RECHECK_MS);
  if (value > MAX_LIVE_KEY_RECHECK_MS) throw StartupError.invalidSetting('LIVE_KEY_RECHECK_MS', `must be at most ${MAX_LIVE_KEY_RECHECK_MS}`);
  return value;
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

export function parseDatabaseUrl(raw: string | undefined): string | undefined {
  const value = nonEmpty(raw);
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw StartupError.invalidSetting('DATABASE_URL', 'is not a valid URL (expected postgres://user@host:port/database)');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw StartupError.invalidSetting('DATABASE_URL', `must start with postgres:// or postgresql://, not ${url.protocol}//`);
  }
  if (!url.hostname) throw StartupError.invalidSetting('DATABASE_URL', 'has no host name');
  return value;
}

function parsePort(raw: string | undefined): number {
  const value = nonEmpty(raw);
  if (value === undefined) return DEFAULT_PORT;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw StartupError.invalidSetting('PORT', `${JSON.stringify(value)} is not a port number (0-65535)`);
  }
  return port;
}

function parsePositiveInteger(name: string, raw: string | undefined, fallback: number): number {
  const value = nonEmpty(raw);
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw StartupError.invalidSetting(name, `${JSON.stringify(value)} is not a positive whole number`);
  return parsed;
}

function parseBoolean(name: string, raw: string | undefined, fallback: boolean): boolean {
  const value = nonEmpty(raw)?.toLowerCase();
  if (value === undefined) return fallback;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw StartupError.invalidSetting(name, `${JSON.stringify(raw)} is not true or false`);
}

function parseEncryptionAlgorithmSetting(raw: string | undefined): EncryptionAlgorithmSetting {
  const value = nonEmpty(raw);
  if (value === undefined) return { algorithm: DEFAULT_ENCRYPTION_ALGORITHM, source: 'default' };
  const algorithm = parseEncryptionAlgorithm(value);
  if (!algorithm) throw StartupError.invalidSetting(ENV_ENCRYPTION_ALGORITHM_SETTING, unknownAlgorithm(value));
  return { algorithm, source: ENV_ENCRYPTION_ALGORITHM_SETTING };
}

/** Why a value is not an algorithm, for the error naming the setting it came from. */
export function unknownAlgorithm(value: unknown): string {
  return `${JSON.stringify(value)} is not one of ${ENCRYPTION_ALGORITHMS.join(', ')}`;
}

/** The settings with the config file's general_settings.encryption_algorithm, when it has one, taking precedence. */
export function withConfigFileAlgorithm(settings: Settings, fromConfigFile: EncryptionAlgorithm | undefined): Settings {
  if (fromConfigFile === undefined) return settings;
  return { ...settings, encryptionAlgorithm: { algorithm: fromConfigFile, source: CONFIG_ENCRYPTION_ALGORITHM_SETTING } };
}

function resolveConfigFile(raw: string | undefined): string | undefined {
  const value = nonEmpty(raw);
  if (value !== undefined) return path.resolve(value);
  // The proxy's convention: ./config.yaml is used when it is there.
  return existsSync(DEFAULT_CONFIG_FILE) ? path.resolve(DEFAULT_CONFIG_FILE) : undefined;
}

/** A URL safe to print: the password, if any, replaced. */
export function redactDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(invalid URL)';
  }
}
