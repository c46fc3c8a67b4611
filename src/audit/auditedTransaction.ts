// Runs a unit of work in one transaction on behalf of the caller: the audit rows the flush writes
// name the caller, and they commit or roll back with the change itself.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AuthenticatedPrincipal } from '../auth/Principal';
import { runAsActor } from './auditActor';

export function auditedTransaction<T>(em: EntityManager, principal: AuthenticatedPrincipal, work: (em: EntityManager) => Promise<T>): Promise<T> {
  return runAsActor({ userId: principal.userId, keyHash: principal.keyHash }, () => em.transactional(work));
}
