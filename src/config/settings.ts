// Everything the server reads from the environment, validated once at start.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { StartupError } from '../errors/StartupError';

export const DEFAULT_PORT = 4000;
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_DATA_DIR = './.data';
export const DEFAULT_CONFIG_FILE = './config.yaml';
export const DEFAULT_DATABASE_POOL_SIZE = 10;
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

export interface Settings {
  /** postgres:// URL of a real server; undefined means the embedded PGlite database. */
  databaseUrl?: string;
  /** Connections in the pool (DATABASE_POOL_SIZE); the embedded database always uses one. */
  databasePoolSize: number;
  port: number;
  host: string;
  /** LITELLM_MASTER_KEY; may be filled in later from the embedded database's key file. */
  masterKey?: string;
  /** LITELLM_SALT_KEY: the at-rest encryption key; falls back to the master key. */
  saltKey?: string;
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
}

export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const production = env.NODE_ENV === 'production';
  return {
    databaseUrl: parseDatabaseUrl(env.DATABASE_URL),
    databasePoolSize: parsePositiveInteger('DATABASE_POOL_SIZE', env.DATABASE_POOL_SIZE, DEFAULT_DATABASE_POOL_SIZE),
    port: parsePort(env.PORT),
    host: nonEmpty(env.HOST) ?? DEFAULT_HOST,
    masterKey: nonEmpty(env.LITELLM_MASTER_KEY),
    saltKey: nonEmpty(env.LITELLM_SALT_KEY),
    configFile: resolveConfigFile(env.CONFIG_FILE),
    dataDir: path.resolve(nonEmpty(env.DATA_DIR) ?? DEFAULT_DATA_DIR),
    production,
    graphiql: !production && parseBoolean('GRAPHIQL', env.GRAPHIQL, true),
    requestTimeoutMs: parsePositiveInteger('REQUEST_TIMEOUT_MS', env.REQUEST_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS),
  };
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
