// A problem that stops the server from starting: printed as one line, exit code 1, no stack.
import { describeDatabaseError, withoutStatements, type DatabaseErrorDescription } from './describeDatabaseError';

export class StartupError extends Error {
  override name = 'StartupError';

  static invalidSetting(name: string, problem: string): StartupError {
    return new StartupError(`${name}: ${problem}`);
  }

  static databaseUnreachable(target: string, cause: unknown): StartupError {
    return new StartupError(`cannot connect to the database at ${target}: ${describeCause(cause)}`);
  }

  static embeddedDatabaseUnusable(dataDir: string, cause: unknown): StartupError {
    return new StartupError(
      `the embedded database in ${dataDir} cannot be opened (${describeCause(cause)}); ` +
        `move the directory away or set DATA_DIR to another one`,
    );
  }

  static incompleteProxySchema(missingTables: readonly string[]): StartupError {
    return new StartupError(
      `the database holds some of the LiteLLM proxy's tables but not ${missingTables.join(', ')}; ` +
        `this API creates the proxy's tables only on an empty database. Point DATABASE_URL at the proxy's complete database, or at an empty one`,
    );
  }

  static embeddedDatabaseNotCreated(dataDir: string, cause: unknown): StartupError {
    return new StartupError(`the embedded database in ${dataDir} could not be created (${describeCause(cause)}); nothing was left there`);
  }

  static embeddedDatabaseInUse(dataDir: string, pid: number, lockFile: string): StartupError {
    return new StartupError(
      `the embedded database in ${dataDir} is in use by process ${pid} (another server or npm run migrate); ` +
        `stop it first, or delete ${lockFile} if no such process is running`,
    );
  }
}

/**
 * One line on what went wrong, for the terminal. A database error (or one wrapping it, as a failed migration's
 * does) says what the database said and its code, never the statement or its values.
 */
export function describeCause(cause: unknown): string {
  if (cause instanceof AggregateError && cause.errors.length > 0) return describeCause(cause.errors[0]);
  const database = databaseErrorWithin(cause);
  const code = database?.code ? ` (code ${database.code})` : '';
  if (database && database.error === cause) return `${database.message}${code}`;
  if (cause instanceof Error) return `${withoutStatements(cause.message).split('\n')[0] || cause.name}${code}`;
  return withoutStatements(String(cause));
}

/** The first database error along the `cause` chain, described. */
function databaseErrorWithin(error: unknown): (DatabaseErrorDescription & { error: unknown }) | undefined {
  let current = error;
  for (let depth = 0; typeof current === 'object' && current !== null && depth < 5; depth += 1) {
    const description = describeDatabaseError(current);
    if (description) return { ...description, error: current };
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
