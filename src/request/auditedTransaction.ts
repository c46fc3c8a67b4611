// Runs a unit of work in one transaction on behalf of the caller: the audit rows the flush writes name the caller,
// the model change guard checks every model it changes against the caller's rules, and all of it commits or rolls
// back with the change itself.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AccessGuard } from '../access/AccessGuard';
import { actingAs } from './RequestScope';

export function auditedTransaction<T>(em: EntityManager, access: AccessGuard, work: (em: EntityManager) => Promise<T>): Promise<T> {
  return actingAs(access.principal, () => em.transactional(work));
}
