// What the handling of one HTTP request carries through all of its async work: its id, when it arrived
// (for the request log) and its deadline (for requestTimeout). One AsyncLocalStorage holds all of them: on
// Node 20 every instance in use makes every promise and async resource of the process pay to propagate it.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { RequestDeadline } from './requestTimeout';

export interface RequestScope {
  /** Absent for work that is not an HTTP request (a deadline used on its own). */
  requestId?: string;
  /** performance.now() when the request arrived. */
  startedAt: number;
  deadline?: RequestDeadline;
}

const scopes = new AsyncLocalStorage<RequestScope>();

export function runInScope<T>(scope: RequestScope, work: () => T): T {
  return scopes.run(scope, work);
}

export function currentScope(): RequestScope | undefined {
  return scopes.getStore();
}
