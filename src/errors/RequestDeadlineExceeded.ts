// A transaction that tried to commit after its request's deadline: it rolls back instead of landing late.
export class RequestDeadlineExceeded extends Error {
  override name = 'RequestDeadlineExceeded';

  private constructor(readonly timeoutMs: number) {
    super(`the request passed its ${timeoutMs} ms deadline before this transaction committed; it was rolled back`);
  }

  static atCommit(timeoutMs: number): RequestDeadlineExceeded {
    return new RequestDeadlineExceeded(timeoutMs);
  }
}
