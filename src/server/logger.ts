// Structured JSON logs (pino). Keys and secrets are never logged: only user ids and request ids. Errors are
// logged through serializeError, wherever the call is: a database error by its code, table and constraint,
// never with its statement or values. A developer at a terminal gets pino-pretty's output when it is
// installed (it is a devDependency).
import pino, { type DestinationStream, type Logger } from 'pino';
import { describeDatabaseError, errorClassName, withoutStatements } from '../errors/describeDatabaseError';
import { StartupError } from '../errors/StartupError';
import { currentRequestId } from '../request/RequestScope';

export type { Logger };

export const DEFAULT_LOG_LEVEL = 'info';

/** `destination` defaults to stdout: pretty there when it is a TTY and pino-pretty is available, JSON otherwise. */
export function createLogger(level = process.env.LOG_LEVEL ?? DEFAULT_LOG_LEVEL, destination?: DestinationStream): Logger {
  if (level !== 'silent' && !(level in pino.levels.values)) {
    throw StartupError.invalidSetting('LOG_LEVEL', `${JSON.stringify(level)} is not one of ${Object.keys(pino.levels.values).join(', ')}, silent`);
  }
  const options: pino.LoggerOptions = {
    level,
    base: undefined,
    // Every line written while a request is handled names it, the masked-error lines of formatError included.
    mixin: () => {
      const requestId = currentRequestId();
      return requestId ? { requestId } : {};
    },
    redact: { paths: ['req.headers.authorization', 'req.headers["x-litellm-api-key"]'], censor: '[redacted]' },
    serializers: { err: serializeError, error: serializeError },
    hooks: {
      logMethod(args, method) {
        // `logger.error(error)` would make the error's own message (statement included) the line's message.
        const [first, second] = args as unknown[];
        if (isErrorLike(first) && typeof second !== 'string') return method.call(this, { err: first }, errorMessage(first));
        // Libraries log text too (Apollo: `Unexpected error processing request: ${error}`): no statement in it either.
        return method.apply(this, args.map((arg: unknown) => (typeof arg === 'string' ? withoutStatements(arg) : arg)) as Parameters<typeof method>);
      },
    },
  };
  return pino(options, destination ?? (process.stdout.isTTY ? prettyStream() : undefined) ?? pino.destination(1));
}

/** How deep causes (`cause`, GraphQL's `originalError`, an AggregateError's `errors`) are followed. */
const MAX_CAUSE_DEPTH = 5;

/** Properties of system errors worth logging (ECONNREFUSED and the like); anything else an error carries is left out. */
const SAFE_ERROR_PROPERTIES = ['code', 'errno', 'syscall', 'address', 'port', 'timeoutMs'];

/**
 * An error as a log line may hold it: its class, its message and stack (any statement in them omitted), the
 * properties of SAFE_ERROR_PROPERTIES, and its causes. A database error is described by describeDatabaseError:
 * code, table, constraint, never the statement, its values or the row's `detail`.
 */
export function serializeError(error: unknown, depth = 0): unknown {
  if (typeof error === 'string') return withoutStatements(error);
  if (typeof error !== 'object' || error === null) return error;
  const fields = error as Record<string, unknown>;
  const database = describeDatabaseError(error);
  const serialized: Record<string, unknown> = database ? { ...database } : { type: errorClassName(error), message: errorMessage(error) };
  if (!database) {
    for (const property of SAFE_ERROR_PROPERTIES) {
      const value = fields[property];
      if (typeof value === 'string' || typeof value === 'number') serialized[property] = value;
    }
  }
  if (typeof fields.stack === 'string') serialized.stack = [`${serialized.type}: ${serialized.message}`, ...stackFrames(fields.stack)].join('\n');
  if (depth < MAX_CAUSE_DEPTH) {
    for (const causeProperty of ['cause', 'originalError']) {
      if (typeof fields[causeProperty] === 'object' && fields[causeProperty] !== null) serialized[causeProperty] = serializeError(fields[causeProperty], depth + 1);
    }
    if (Array.isArray(fields.errors)) serialized.errors = fields.errors.slice(0, MAX_CAUSE_DEPTH).map((cause) => serializeError(cause, depth + 1));
  }
  return serialized;
}

/** What an error's message may say in a log line. */
function errorMessage(error: object): string {
  const database = describeDatabaseError(error);
  if (database) return database.message;
  const { message } = error as { message?: unknown };
  return typeof message === 'string' ? withoutStatements(message) : '';
}

/** Duck-typed: errors from Node's own realm (sockets) are not `instanceof Error` under jest. */
function isErrorLike(value: unknown): value is Error {
  return typeof value === 'object' && value !== null && typeof (value as Error).message === 'string' && typeof (value as Error).stack === 'string';
}

/** The `at …` lines of a stack: code locations only. The first lines repeat the message, statement included. */
function stackFrames(stack: string): string[] {
  return stack.split('\n').filter((line) => /^\s+at /.test(line));
}

function prettyStream(): DestinationStream | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- optional: absent from production installs
    const pretty = require('pino-pretty') as typeof import('pino-pretty');
    return pretty({ ignore: 'pid,hostname' });
  } catch {
    return undefined;
  }
}
