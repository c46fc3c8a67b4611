// A deadline per GraphQL request. Past it the client is answered with a clean error, and no transaction of
// that request may commit any more: one still open rolls back whole instead of landing after the client gave up.
import { performance } from 'node:perf_hooks';
import type { EventSubscriber, TransactionEventArgs } from '@mikro-orm/core';
import { RequestDeadlineExceeded } from '../errors/RequestDeadlineExceeded';
import { currentScope, runInScope, type CommitGate } from './RequestScope';

/** How long the answer waits for a commit already under way at the deadline, so that it reports what happened. */
export const COMMIT_GRACE_MS = 5_000;

export class RequestDeadline implements CommitGate {
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
    if (this.expired) throw RequestDeadlineExceeded.atCommit(this.timeoutMs);
    this.committing.add(transaction);
  }

  endCommit(transaction: unknown): void {
    this.committing.delete(transaction);
  }
}

export type TimedResult<T> = { timedOut: false; value: T } | { timedOut: true };

/**
 * Runs `work` under a deadline. When the deadline passes first, its further commits are refused and the result is
 * `timedOut`, unless a commit was under way: then the normal result, which reports it, is awaited a little longer.
 * `work` itself runs on to its end in the background (JavaScript cannot be interrupted).
 */
export function runWithDeadline<T>(timeoutMs: number, work: () => Promise<T>): Promise<TimedResult<T>> {
  const deadline = new RequestDeadline(timeoutMs);
  return new Promise<TimedResult<T>>((resolve, reject) => {
    let answered = false;
    let timer: NodeJS.Timeout | undefined;
    const answer = (settle: () => void) => {
      if (answered) return;
      answered = true;
      clearTimeout(timer);
      settle();
    };
    timer = setTimeout(() => {
      deadline.expire();
      // A commit under way when the deadline passed decides what the client must be told: wait for the result it leads to.
      if (deadline.isCommitting) timer = setTimeout(() => answer(() => resolve({ timedOut: true })), COMMIT_GRACE_MS);
      else answer(() => resolve({ timedOut: true }));
    }, timeoutMs);
    // Inside an HTTP request the deadline joins its scope; on its own it gets one.
    const scope = currentScope();
    let running: Promise<T>;
    try {
      running = scope ? ((scope.deadline = deadline), work()) : runInScope({ startedAt: performance.now(), deadline }, work);
    } catch (error) {
      answer(() => reject(error));
      return;
    }
    // Whatever `work` does after the answer was given is ignored, rejections included.
    running.then(
      (value) => answer(() => resolve({ timedOut: false, value })),
      (error: unknown) => answer(() => reject(error)),
    );
  });
}

/** Registered on the ORM: holds every commit to the deadline of the request it belongs to. */
export class RequestDeadlineSubscriber implements EventSubscriber {
  async beforeTransactionCommit(args: TransactionEventArgs): Promise<void> {
    currentScope()?.deadline?.beginCommit(args.transaction);
  }

  async afterTransactionCommit(args: TransactionEventArgs): Promise<void> {
    currentScope()?.deadline?.endCommit(args.transaction);
  }

  async afterTransactionRollback(args: TransactionEventArgs): Promise<void> {
    currentScope()?.deadline?.endCommit(args.transaction);
  }
}
