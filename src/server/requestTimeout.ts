// A deadline per GraphQL request. Past it the client is answered with a clean error, and no transaction of
// that request may commit any more: one still open rolls back whole instead of landing after the client gave up.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { EventSubscriber, TransactionEventArgs } from '@mikro-orm/core';

export const REQUEST_TIMEOUT_CODE = 'REQUEST_TIMEOUT';
/** How long the answer waits for a commit already under way at the deadline, so that it reports what happened. */
export const COMMIT_GRACE_MS = 5_000;

/** Thrown inside a transaction that tries to commit after its request's deadline: the transaction rolls back. */
export class RequestDeadlineExceeded extends Error {
  override name = 'RequestDeadlineExceeded';

  constructor(readonly timeoutMs: number) {
    super(`the request passed its ${timeoutMs} ms deadline before this transaction committed; it was rolled back`);
  }
}

export class RequestDeadline {
  private expired = false;
  /** The transactions of this request between their COMMIT being sent and its outcome. */
  private readonly committing = new Set<unknown>();

  constructor(readonly timeoutMs: number) {}

  /** From now on every commit of this request is refused. */
  expire(): void {
    this.expired = true;
  }

  get isCommitting(): boolean {
    return this.committing.size > 0;
  }

  beginCommit(transaction: unknown): void {
    if (this.expired) throw new RequestDeadlineExceeded(this.timeoutMs);
    this.committing.add(transaction);
  }

  endCommit(transaction: unknown): void {
    this.committing.delete(transaction);
  }
}

const deadlines = new AsyncLocalStorage<RequestDeadline>();

export type TimedResult<T> = { timedOut: false; value: T } | { timedOut: true };

/**
 * Runs `work` under a deadline. When the deadline passes first, its further commits are refused and the result is
 * `timedOut`, unless a commit was under way: then the normal result, which reports it, is awaited a little longer.
 * `work` itself runs on to its end in the background (JavaScript cannot be interrupted).
 */
export async function runWithDeadline<T>(timeoutMs: number, work: () => Promise<T>): Promise<TimedResult<T>> {
  const deadline = new RequestDeadline(timeoutMs);
  const running = deadlines.run(deadline, work).then((value): TimedResult<T> => ({ timedOut: false, value }));
  const timers: NodeJS.Timeout[] = [];
  const after = (ms: number) => new Promise<undefined>((resolve) => timers.push(setTimeout(() => resolve(undefined), ms)));
  try {
    const first = await Promise.race([running, after(timeoutMs)]);
    if (first) return first;
    deadline.expire();
    // A commit under way when the deadline passed decides what the client must be told: wait for the result it leads to.
    if (deadline.isCommitting) {
      const settled = await Promise.race([running, after(COMMIT_GRACE_MS)]);
      if (settled) return settled;
    }
    return { timedOut: true };
  } finally {
    timers.forEach(clearTimeout);
    // Whatever `work` does after the answer was given must not become an unhandled rejection.
    running.catch(() => undefined);
  }
}

/** Registered on the ORM: holds every commit to the deadline of the request it belongs to. */
export class RequestDeadlineSubscriber implements EventSubscriber {
  async beforeTransactionCommit(args: TransactionEventArgs): Promise<void> {
    deadlines.getStore()?.beginCommit(args.transaction);
  }

  async afterTransactionCommit(args: TransactionEventArgs): Promise<void> {
    deadlines.getStore()?.endCommit(args.transaction);
  }

  async afterTransactionRollback(args: TransactionEventArgs): Promise<void> {
    deadlines.getStore()?.endCommit(args.transaction);
  }
}
