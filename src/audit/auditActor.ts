// Who the audit trail names as the author of a change: set around each mutation from the caller's key.
import { AsyncLocalStorage } from 'node:async_hooks';

export interface AuditActor {
  /** `changed_by`: the caller's user id (`default_user_id` for the master key). */
  userId: string;
  /** `changed_by_api_key`: sha256 hex of the caller's key, never the key itself. */
  keyHash: string;
}

const actingAs = new AsyncLocalStorage<AuditActor>();

/** Runs `fn` (and every flush it awaits) on behalf of `actor`. */
export function runAsActor<T>(actor: AuditActor, fn: () => Promise<T>): Promise<T> {
  return actingAs.run(actor, fn);
}

export function currentAuditActor(): AuditActor | undefined {
  return actingAs.getStore();
}
