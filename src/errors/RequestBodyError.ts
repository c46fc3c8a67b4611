// An HTTP request body the server will not read: larger than the limit, or cut off before its end.
export class RequestBodyError extends Error {
  override name = 'RequestBodyError';

  private constructor(
    message: string,
    /** The HTTP status that answers it. */
    readonly status: 413 | 400,
  ) {
    super(message);
  }

  static tooLarge(limitBytes: number): RequestBodyError {
    return new RequestBodyError(`Request body too large (the limit is ${limitBytes} bytes).`, 413);
  }

  static incomplete(): RequestBodyError {
    return new RequestBodyError('The connection closed before the request body was complete.', 400);
  }
}
