// A proxy config file (CONFIG_FILE) that cannot be used: start-up stops with its one-line message, naming the
// file, the line and what is wrong.
export class ConfigFileError extends Error {
  override readonly name = 'ConfigFileError';

  private constructor(message: string, readonly file: string, readonly line?: number) {
    super(message);
  }

  static notFound(file: string): ConfigFileError {
    return new ConfigFileError(`config file ${file} not found`, file);
  }

  static unreadable(file: string, reason: string): ConfigFileError {
    return new ConfigFileError(`config file ${file} cannot be read: ${reason}`, file);
  }

  static atLine(file: string, line: number, problem: string): ConfigFileError {
    return new ConfigFileError(`config file ${file} line ${line}: ${problem}`, file, line);
  }
}
