// `npm run encryption -- status | migrate | rotate`: reads the environment as the server does, opens the database
// (DATABASE_URL, else the embedded one in DATA_DIR), runs the command as the master key's proxy admin and prints its
// report. stdout carries the report alone (with --json exactly one JSON document, failures included); progress goes
// to stderr. Nothing printed holds a value, a ciphertext or a key.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DriverException } from '@mikro-orm/core';
import type { MikroORM } from '@mikro-orm/postgresql';
import { MASTER_KEY_FILE_NAME } from '../access/masterKeyFile';
import { MASTER_KEY_USER_ID, type AuthenticatedPrincipal } from '../access/Principal';
import { UserRole } from '../access/UserRole';
import { loadConfigFile } from '../config/configFileModels';
import { ConfigFileError } from '../errors/ConfigFileError';
import { CONFIG_ENCRYPTION_ALGORITHM_SETTING, loadSettings, redactDatabaseUrl, withConfigFileAlgorithm, type Settings } from '../config/settings';
import { AtRestCipher } from '../crypto/AtRestCipher';
import { hashApiKey } from '../crypto/hashApiKey';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../database/embedded/EmbeddedDatabase';
import { readDatabaseTables } from '../database/schema/DatabaseTables';
import { schemaFactsOf } from '../database/schema/SchemaFacts';
import { describeCause, StartupError } from '../errors/StartupError';
import { createOrm } from './createOrm';
import { EncryptionCommandError, USAGE } from '../encryption/EncryptionCommandError';
import { readEncryptionStatus } from '../encryption/EncryptionStatusReport';
import { errorJson, runJson, runText, statusJson, statusText, type KeyContext } from '../encryption/formatEncryptionReport';
import { parseEncryptionArguments, type EncryptionCommand } from '../encryption/parseEncryptionArguments';
import { remainingRotationSteps } from '../encryption/rotationSteps';
import { runReencryption } from '../encryption/runReencryption';
import { locationName } from '../encryption/SaltKeyLocation';

/** For tests of an interrupted run: milliseconds to wait, everything written, before the commit. */
export const PAUSE_BEFORE_COMMIT_VARIABLE = 'ENCRYPTION_PAUSE_BEFORE_COMMIT_MS';

/** Exit codes: 0 done, 1 refused or failed (nothing changed), 2 bad command line. */
export const EXIT_REFUSED = 1;
export const EXIT_USAGE = 2;

export interface CommandOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

export async function runEncryptionCommand(args: readonly string[], env: NodeJS.ProcessEnv, output: CommandOutput): Promise<number> {
  let command: EncryptionCommand | undefined;
  try {
    command = parseEncryptionArguments(args);
    if (command.command === 'help') {
      output.stdout(`${USAGE}\n`);
      return 0;
    }
    await execute(command, env, output);
    return 0;
  } catch (error) {
    const failure = asCommandError(error);
    // The command line could not be read: --json counts if it was given at all.
    const json = command && command.command !== 'help' ? command.json : args.includes('--json');
    if (json) output.stdout(`${JSON.stringify(errorJson(command?.command ?? args[0], failure), null, 2)}\n`);
    else output.stderr(`encryption ${command?.command ?? ''}: ${failure.message}\n`.replace('encryption : ', 'encryption: '));
    return failure.code === 'USAGE' ? EXIT_USAGE : EXIT_REFUSED;
  }
}

async function execute(command: Exclude<EncryptionCommand, { command: 'help' }>, env: NodeJS.ProcessEnv, output: CommandOutput): Promise<void> {
  const settings = readSettings(env);
  const progress = (line: string) => output.stderr(`encryption: ${line}\n`);
  const writes = command.command !== 'status' && !command.dryRun;
  if (command.command === 'migrate' && settings.encryptionAlgorithm.algorithm === 'xsalsa20-poly1305') {
    throw EncryptionCommandError.legacyAlgorithm(settings.encryptionAlgorithm.source);
  }
  const newKey = command.command === 'rotate' ? readNewKey(env, command.newKeyVariable) : undefined;

  const database = await openDatabase(settings, progress);
  try {
    const masterKey = settings.masterKey ?? (settings.databaseUrl ? undefined : readStoredMasterKey(settings.dataDir));
    const saltKey = settings.saltKey ?? masterKey;
    if (!saltKey) throw EncryptionCommandError.setting('LITELLM_SALT_KEY (or LITELLM_MASTER_KEY)', 'must be set: values are encrypted under the salt key, else the master key');
    const keys: KeyContext = { saltKeySource: settings.saltKey ? 'LITELLM_SALT_KEY' : 'LITELLM_MASTER_KEY' };
    if (newKey !== undefined) refuseSameKey(newKey, saltKey, settings.previousSaltKey);
    const reader = AtRestCipher.create({ saltKey, previousSaltKey: settings.previousSaltKey, algorithm: settings.encryptionAlgorithm.algorithm });

    if (command.command === 'status') {
      const report = await readEncryptionStatus(database.orm.em, reader, { onLocation: (location) => progress(`reading ${locationName(location)}`) });
      output.stdout(command.json ? `${JSON.stringify(statusJson(report, keys), null, 2)}\n` : statusText(report, keys));
      return;
    }
    if (writes && !masterKey) throw EncryptionCommandError.setting('LITELLM_MASTER_KEY', 'must be set: the audit rows of the changes name the master key (by its hash) as the proxy admin making them');
    const writer =
      command.command === 'migrate'
        ? AtRestCipher.create({ saltKey, algorithm: 'aes-256-gcm' })
        : AtRestCipher.create({ saltKey: newKey!, algorithm: settings.encryptionAlgorithm.algorithm });
    const report = await runReencryption(database.orm.em, {
      mode: command.command,
      reader,
      writer,
      actor: commandLineAdmin(masterKey),
      dryRun: command.dryRun,
      progress,
      pauseBeforeCommitMs: parsePause(env[PAUSE_BEFORE_COMMIT_VARIABLE]),
    });
    const steps = command.command === 'rotate' && !command.dryRun ? remainingRotationSteps({ newKeyVariable: command.newKeyVariable, saltKeyWasSet: !!settings.saltKey }) : undefined;
    output.stdout(command.json ? `${JSON.stringify(runJson(report, keys, steps), null, 2)}\n` : runText(report, keys, steps));
  } finally {
    await database.close();
  }
}

function readSettings(env: NodeJS.ProcessEnv): Settings {
  const settings = loadSettings(env);
  if (!settings.configFile) return settings;
  try {
    return withConfigFileAlgorithm(settings, loadConfigFile(settings.configFile, env).encryptionAlgorithm);
  } catch (error) {
    if (error instanceof ConfigFileError) throw EncryptionCommandError.setting(CONFIG_ENCRYPTION_ALGORITHM_SETTING, error.message);
    throw error;
  }
}

/** The new key as the variable holds it. The proxy reads LITELLM_SALT_KEY untrimmed and this API trimmed: a key with white space at an end would differ between them. */
function readNewKey(env: NodeJS.ProcessEnv, variable: string): string {
  const value = env[variable];
  if (!value || value.trim() === '') throw EncryptionCommandError.newKeyMissing(variable);
  if (value.trim() !== value) throw EncryptionCommandError.setting(variable, 'the new key must not begin or end with white space');
  return value;
}

function refuseSameKey(newKey: string, saltKey: string, previousSaltKey: string | undefined): void {
  if (newKey === saltKey) throw EncryptionCommandError.sameKey('LITELLM_SALT_KEY');
  if (newKey === previousSaltKey) throw EncryptionCommandError.sameKey('LITELLM_SALT_KEY_PREVIOUS');
}

/** The proxy admin the command line acts as: the master key's user, named in the audit rows by the key's hash. */
function commandLineAdmin(masterKey: string | undefined): AuthenticatedPrincipal {
  return { authenticated: true, userId: MASTER_KEY_USER_ID, role: UserRole.PROXY_ADMIN, teamId: null, isTeamAdmin: false, keyHash: masterKey ? hashApiKey(masterKey) : '' };
}

/** The master key the server generated for the embedded database, if it did; never creates one. */
function readStoredMasterKey(dataDir: string): string | undefined {
  const file = path.join(dataDir, MASTER_KEY_FILE_NAME);
  return existsSync(file) ? readFileSync(file, 'utf8').trim() || undefined : undefined;
}

interface OpenDatabase {
  orm: MikroORM;
  close(): Promise<void>;
}

/** The ORM over DATABASE_URL or the embedded database, mapping only the optional columns the database has. No migration runs. */
async function openDatabase(settings: Settings, progress: (line: string) => void): Promise<OpenDatabase> {
  const embedded: EmbeddedDatabase | undefined = settings.databaseUrl ? undefined : await startEmbeddedDatabase(settings.dataDir);
  const databaseUrl = settings.databaseUrl ?? embedded!.url;
  progress(`database: ${embedded ? `the embedded one in ${settings.dataDir}` : redactDatabaseUrl(databaseUrl)}`);
  const driverLogger = { warn: (_details: object, message: string) => progress(message) };
  let orm: MikroORM | undefined;
  try {
    // One connection: every statement runs in order, and PGlite serves no more.
    orm = await createOrm({ databaseUrl, poolSize: 1, logger: driverLogger });
    const facts = schemaFactsOf(await readDatabaseTables((sql) => orm!.em.getConnection().execute(sql)));
    if (!facts.modelBlockedColumn) {
      await orm.close();
      orm = await createOrm({ databaseUrl, poolSize: 1, logger: driverLogger, schemaFacts: facts });
    }
  } catch (cause) {
    await orm?.close(true);
    await embedded?.stop();
    throw StartupError.databaseUnreachable(redactDatabaseUrl(databaseUrl), cause);
  }
  const opened = orm;
  return {
    orm: opened,
    async close() {
      await opened.close();
      await embedded?.stop();
    },
  };
}

function parsePause(raw: string | undefined): number | undefined {
  const value = Number(raw);
  return raw && Number.isInteger(value) && value > 0 ? value : undefined;
}

/** Any failure as the command reports it: driver errors by SQLSTATE only (their text can quote a statement's values). */
function asCommandError(error: unknown): EncryptionCommandError {
  if (error instanceof EncryptionCommandError) return error;
  if (error instanceof StartupError) return new EncryptionCommandError('SETTING', error.message);
  if (error instanceof DriverException) {
    return new EncryptionCommandError('FAILED', `the database refused a statement (SQLSTATE ${error.sqlState ?? error.code ?? 'unknown'}); the transaction rolled back and nothing was changed`);
  }
  return new EncryptionCommandError('FAILED', `${error instanceof Error ? error.name : 'error'}: ${describeCause(error)}; nothing was changed`);
}
