// What the handling of one request carries through all of its async work: its id and arrival (the request log), its
// deadline (no commit after it) and who acts (the audit trail and the model change guard read it in every flush).
// One AsyncLocalStorage holds all of them: on Node 20 every instance in use makes every promise of the process pay
// to propagate it.
import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';
import type { AuthenticatedPrincipal } from '../access/Principal';

export interface RequestScope {
  /** Absent for work that is not an HTTP request (a command-line run, a deadline used on its own). */
  requestId?: string;
  /** performance.now() when the request arrived. */
  startedAt: number;
  /** Refuses this request's commits once its deadline passed (RequestDeadline). */
  deadline?: CommitGate;
  /** Who the changes made in this scope are by: `changed_by` and `changed_by_api_key` of their audit rows. */
  actor?: AuthenticatedPrincipal;
}

/** What a transaction asks before it commits, and tells after: RequestDeadline answers for its request. */
export interface CommitGate {
  /** Throws when the transaction may not commit any more. */
  beginCommit(transaction: unknown): void;
  endCommit(transaction: unknown): void;
}

const scopes = new AsyncLocalStorage<RequestScope>();

export function runInScope<T>(scope: RequestScope, work: () => T): T {
  return scopes.run(scope, work);
}

export function currentScope(): RequestScope | undefined {
  return scopes.getStore();
}

/** Runs `work` (and every flush it awaits) on behalf of `actor`, within the current request's scope when there is one. */
export function actingAs<T>(actor: AuthenticatedPrincipal, work: () => Promise<T>): Promise<T> {
  return runInScope({ ...(currentScope() ?? { startedAt: performance.now() }), actor }, work);
}

export function currentActor(): AuthenticatedPrincipal | undefined {
  return currentScope()?.actor;
}

/** The id of the request being handled, for any log line written while handling it. */
export function currentRequestId(): string | undefined {
  return currentScope()?.requestId;
}
