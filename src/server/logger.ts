// Structured JSON logs (pino). Keys and secrets are never logged: only user ids and request ids.
import pino, { type Logger } from 'pino';

export type { Logger };

export function createLogger(level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    level,
    base: undefined,
    redact: { paths: ['req.headers.authorization', 'req.headers["x-litellm-api-key"]'], censor: '[redacted]' },
  });
}
