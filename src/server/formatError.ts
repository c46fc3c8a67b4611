// The one place unexpected errors are masked: clients see ApiErrors and GraphQL validation errors
// as they are, everything else as INTERNAL_SERVER_ERROR with a generic message (details only in the log).
import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { isApiError } from '../errors/ApiError';

export const INTERNAL_ERROR_MESSAGE = 'Internal server error.';

const CLIENT_ERROR_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
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
      return withoutStacktrace(formatted, showDetails);
    }
    logger.error({ err: original, path: formatted.path }, 'unexpected error while answering a request');
    return {
      message: INTERNAL_ERROR_MESSAGE,
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}

function withoutStacktrace(formatted: GraphQLFormattedError, showDetails: boolean): GraphQLFormattedError {
  if (showDetails || !formatted.extensions?.stacktrace) return formatted;
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { stacktrace, ...extensions } = formatted.extensions;
  return { ...formatted, extensions };
}
