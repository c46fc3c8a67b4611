// What every resolver receives: the request's caller and its guard, the ORM, the app's services and the
// request's loaders.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AccessContext } from '../access/Auth';
import type { ConfigModel } from '../config/configFileModels';
import type { SchemaFacts } from '../database/schema/SchemaFacts';
import type { RequestLoaders } from './requestLoaders';

/**
 * Process-wide dependencies, read-only after start-up: nothing that matters lives in memory between requests (many
 * instances may share one database).
 */
export interface AppServices {
  /** The at-rest encryption key: sha256 of LITELLM_SALT_KEY, else of the master key. */
  encryptionKey: Uint8Array;
  /** hashApiKey of the master key: a request's key is compared by its hash, so the key itself is not kept here. */
  masterKeyHash: string;
  /** Read-only models from CONFIG_FILE. */
  configModels: readonly ConfigModel[];
  /** The config file's path, named in errors about its models. */
  configFile?: string;
  /** What the database has of the proxy's optional columns and tables. */
  schema: SchemaFacts;
}

export interface ApiContext extends AccessContext {
  requestId: string;
  /**
   * The ORM's own EntityManager, shared by all requests and never holding an entity: reads go through the
   * repositories' SELECTs, and changes run in em.transactional, which forks a unit of work for that transaction
   * alone. Anything else that would put entities in it is refused by MikroORM (allowGlobalContext: false).
   */
  em: EntityManager;
  services: AppServices;
  loaders: RequestLoaders;
}
