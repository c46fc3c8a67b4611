// Structured JSON logs (pino). Keys and secrets are never logged: only user ids and request ids.
// A developer at a terminal gets pino-pretty's output when it is installed (it is a devDependency).
import pino, { type DestinationStream, type Logger } from 'pino';
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
  };
  return pino(options, destination ?? (process.stdout.isTTY ? prettyStream() : undefined) ?? pino.destination(1));
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
