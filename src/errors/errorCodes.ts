// Every `extensions.code` this API answers with, in one place.

/** Errors a resolver raises on purpose (ApiError), each with its meaning to a client. */
export const API_ERROR_CODES = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'BAD_USER_INPUT',
  'CONFLICT',
  /** A subscription's instance lost its database notifications for a while: refetch what it shows. */
  'EVENTS_MISSED',
  /** Over a subscription limit (subscriptions per connection). */
  'LIMIT_EXCEEDED',
  /** A stored column that is not what it must be (a JSON object): shown as null, changes refused until repaired. */
  'UNREADABLE_STORED_VALUE',
] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

/** The request itself is malformed (body not JSON, too large, a subscription over HTTP). */
export const BAD_REQUEST_CODE = 'BAD_REQUEST';
/** The request passed REQUEST_TIMEOUT_MS; whatever it had not committed was rolled back. */
export const REQUEST_TIMEOUT_CODE = 'REQUEST_TIMEOUT';
/** The database cannot be reached: retry shortly. */
export const SERVICE_UNAVAILABLE_CODE = 'SERVICE_UNAVAILABLE';
/** Anything unexpected, masked with a generic message; details only in the server log. */
export const INTERNAL_SERVER_ERROR_CODE = 'INTERNAL_SERVER_ERROR';
