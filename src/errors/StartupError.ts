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
}

export function describeCause(cause: unknown): string {
  if (cause instanceof AggregateError && cause.errors.length > 0) return describeCause(cause.errors[0]);
  if (cause instanceof Error) return cause.message.split('\n')[0] || cause.name;
  return String(cause);
}
