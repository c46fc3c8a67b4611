// The one place unexpected errors are masked: clients see ApiErrors and GraphQL validation errors
// as they are, a lost database as SERVICE_UNAVAILABLE, everything else as INTERNAL_SERVER_ERROR with a
// generic message (details only in the log, once, with the request id).
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { isDatabaseUnavailable } from '../database/databaseUnavailable';
import { isApiError } from '../errors/ApiError';
import { BAD_REQUEST_CODE, INTERNAL_SERVER_ERROR_CODE, REQUEST_TIMEOUT_CODE, SERVICE_UNAVAILABLE_CODE } from '../errors/errorCodes';
import { RequestDeadlineExceeded } from '../errors/RequestDeadlineExceeded';

export const INTERNAL_ERROR_MESSAGE = 'Internal server error.';
export const DATABASE_UNAVAILABLE_MESSAGE = 'The database is unavailable. Try again shortly.';
export const UNEXPECTED_ERROR_LOG_MESSAGE = 'unexpected error while answering a request';

const CLIENT_ERROR_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  BAD_REQUEST_CODE,
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

export interface ErrorLogger {
  error(details: object, message: string): void;
}

export function createErrorFormatter(logger: ErrorLogger, showDetails: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const code = formatted.extensions?.code;
    if (isApiError(original) || (typeof code === 'string' && CLIENT_ERROR_CODES.has(code))) {
      return withoutEchoedValues(withoutSuggestions(withoutStacktrace(formatted, showDetails)));
    }
    const cause = rootCause(original);
    // Its request was already answered with a timeout; this is only the rollback it caused.
    if (cause instanceof RequestDeadlineExceeded) return masked(formatted, cause.message, REQUEST_TIMEOUT_CODE);
    if (isDatabaseUnavailable(cause)) {
      logger.error({ err: cause, path: formatted.path }, 'database unavailable while answering a request');
      return masked(formatted, DATABASE_UNAVAILABLE_MESSAGE, SERVICE_UNAVAILABLE_CODE);
    }
    logger.error({ err: cause, path: formatted.path }, UNEXPECTED_ERROR_LOG_MESSAGE);
    return masked(formatted, INTERNAL_ERROR_MESSAGE, INTERNAL_SERVER_ERROR_CODE);
  };
}

/**
 * graphql-js appends "Did you mean …?" to validation and input errors; with introspection off those suggestions
 * would still spell out the schema's fields, arguments and enum values one guess at a time.
 */
function withoutSuggestions(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const message = formatted.message.replace(SUGGESTION, '');
  return message === formatted.message ? formatted : { ...formatted, message };
}

// Names and enum values never contain "?", so the suggestion ends at the first one.
const SUGGESTION = /\s*Did you mean [^?]*\?/g;

/**
 * graphql-js repeats the offending input value in its coercion messages (`Variable "$input" got invalid value
 * { api_key: "sk-…" } at "input.modelName"; String cannot represent a non string value: …`). Secrets are
 * write-only, even back to the caller who sent them: keep the variable, the path and the reason, drop the value.
 */
export function withoutEchoedValues(formatted: GraphQLFormattedError): GraphQLFormattedError {
  let message = formatted.message;
  const variable = VARIABLE_ERROR.exec(message);
  if (variable) {
    const rest = message.slice(variable[0].length);
    const location = [...rest.matchAll(VALUE_PATH)].at(-1);
    const separator = rest.lastIndexOf('; ');
    const reason = location ? rest.slice(location.index + location[0].length) : separator >= 0 ? rest.slice(separator + 2) : '';
    const cleanReason = withoutTrailingValue(reason);
    message = `Variable "${variable[1]}" got an invalid value${location ? ` at "${location[1]}"` : ''}${cleanReason ? `; ${cleanReason}` : '.'}`;
  } else {
    message = withoutTrailingValue(message);
  }
  return message === formatted.message ? formatted : { ...formatted, message };
}

const VARIABLE_ERROR = /^Variable "(\$\w+)" got invalid value /;
const VALUE_PATH = / at "([\w$.[\]]+)"; /g;

/** Coercion messages that end in the value they refuse, and what each keeps of itself. */
const TRAILING_VALUES: [RegExp, string][] = [
  // graphql-js: "String cannot represent a non string value: <value>", "ID cannot represent value: <value>",
  // "Enum "AuditAction" cannot represent non-enum value: <value>.", …
  [/ value: [\s\S]*$/, ' value.'],
  // graphql-js: "Expected value of type "JSON", found <value>." (and "…, found <value>; <reason>").
  [/, found [\s\S]*$/, '.'],
  // graphql-scalars' DateTime: "DateTime cannot represent an invalid date-time-string <value>." and
  // "DateTime cannot represent non string or Date type <value>".
  [/ (an invalid date-time-string|non string or Date type) [\s\S]*$/, ' $1.'],
  // graphql-js: "Value "<value>" does not exist in "AuditAction" enum." (the suggestion is already gone).
  [/^Value [\s\S]* (does not exist in "\w+" enum\.)$/, 'The value $1'],
];

function withoutTrailingValue(text: string): string {
  let result = text;
  for (const [pattern, replacement] of TRAILING_VALUES) result = result.replace(pattern, replacement);
  return result;
}

function masked(formatted: GraphQLFormattedError, message: string, code: string): GraphQLFormattedError {
  return { message, locations: formatted.locations, path: formatted.path, extensions: { code } };
}

/** Apollo wraps a failed context creation ("Context creation failed: …") around the error that caused it. */
function rootCause(error: unknown): unknown {
  let current = error;
  while (current instanceof GraphQLError && current.originalError && !isApiError(current)) current = current.originalError;
  return current;
}

function withoutStacktrace(formatted: GraphQLFormattedError, showDetails: boolean): GraphQLFormattedError {
  if (showDetails || !formatted.extensions?.stacktrace) return formatted;
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { stacktrace, ...extensions } = formatted.extensions;
  return { ...formatted, extensions };
}
