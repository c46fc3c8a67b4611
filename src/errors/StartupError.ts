// A problem that stops the server from starting: printed as one line, exit code 1, no stack.
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

export function describeCause(cause: unknown): string {
  if (cause instanceof AggregateError && cause.errors.length > 0) return describeCause(cause.errors[0]);
  if (cause instanceof Error) return cause.message.split('\n')[0] || cause.name;
  return String(cause);
}
