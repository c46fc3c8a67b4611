// The error kinds a client can see, each with its `extensions.code`. Anything else is masked as
// INTERNAL_SERVER_ERROR by the server's error formatter.
import { GraphQLError } from 'graphql';

import type { ApiErrorCode } from './errorCodes';

export class ApiError extends GraphQLError {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message, { extensions: { code } });
    this.name = 'ApiError';
  }

  /** One message for every missing or bad key: which it was (expired, blocked, unknown…) goes to the server log only. */
  static unauthenticated(): ApiError {
    return new ApiError('UNAUTHENTICATED', 'A valid API key is required (Authorization: Bearer <key>, or x-litellm-api-key: <key>).');
  }

  static forbidden(message = 'You are not allowed to do this.'): ApiError {
    return new ApiError('FORBIDDEN', message);
  }

  static notFound(what: string, id: string): ApiError {
    return new ApiError('NOT_FOUND', `${what} ${JSON.stringify(id)} was not found.`);
  }

  static badInput(message: string): ApiError {
    return new ApiError('BAD_USER_INPUT', message);
  }

  static conflict(message: string): ApiError {
    return new ApiError('CONFLICT', message);
  }

  /**
   * A field error for a stored column that is not what it must be (a JSON object): the field reads as null, its
   * content is never shown, and changes to the row are refused until it is repaired.
   */
  static unreadableStoredValue(column: string, modelId: string): ApiError {
    return new ApiError(
      'UNREADABLE_STORED_VALUE',
      `The stored ${column} of model ${JSON.stringify(modelId)} is not a JSON object, so it is not shown. It needs repair in the database.`,
    );
  }

  /** Delivered on a subscription, which stays open: what happened meanwhile was not heard. */
  static eventsMissed(): ApiError {
    return new ApiError('EVENTS_MISSED', 'Changes may have been missed: this server lost its connection to the database notifications for a while. Read the data again.');
  }

  static limitExceeded(message: string): ApiError {
    return new ApiError('LIMIT_EXCEEDED', message);
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}
