// What every resolver receives: this request's principal, the ORM's EntityManager, and the app's services.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Principal } from '../auth/Principal';
import type { Services } from '../services';
import type { Loaders } from './loaders';

export interface ApiContext {
  requestId: string;
  principal: Principal;
  /**
   * The ORM's own EntityManager, shared by all requests and never holding an entity: reads are hand-written
   * SELECTs (database/readRows), and changes run in em.transactional, which forks a unit of work for that
   * transaction alone. Anything else that would put entities in it outside a transaction is refused by
   * MikroORM (allowGlobalContext: false in ormOptions).
   */
  em: EntityManager;
  services: Services;
  loaders: Loaders;
}
