// A transaction that tried to commit after its request's deadline: it rolls back instead of landing late.
export class RequestDeadlineExceeded extends Error {
  override name = 'RequestDeadlineExceeded';

  constructor(readonly timeoutMs: number) {
    super(`the request passed its ${timeoutMs} ms deadline before this transaction committed; it was rolled back`);
  }
}
