// What every resolver receives: this request's principal, its own EntityManager, and the app's services.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Principal } from '../auth/Principal';
import type { Services } from '../services';
import type { Loaders } from './loaders';

export interface ApiContext {
  requestId: string;
  principal: Principal;
  /** Forked for this request: its identity map is never shared. */
  em: EntityManager;
  services: Services;
  loaders: Loaders;
}
