// What every resolver receives: the request's caller and its guard, the ORM, the app's services and the
// request's loaders.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AccessContext } from '../access/Auth';
import type { ConfigModel } from '../config/configFileModels';
import type { AtRestCipher } from '../crypto/AtRestCipher';
import type { PresentedValues } from '../crypto/PresentedValues';
import type { RowMemos } from '../database/RowMemos';
import type { SchemaFacts } from '../database/schema/SchemaFacts';
import type { LoaderFactory, RequestLoaders } from './requestLoaders';

/**
 * Process-wide dependencies, read-only after start-up: nothing that matters lives in memory between requests (many
 * instances may share one database). The memos only keep what stored values present as, checked against each read.
 */
export interface AppServices {
  /** At-rest encryption of litellm_params under LITELLM_SALT_KEY (else the master key), in the proxy's algorithm. */
  cipher: AtRestCipher;
  /** What stored litellm_params values present as (decrypted, masked), memoised for this app's cipher. */
  presentedValues: PresentedValues;
  /** What rows read often present as, kept while they are unchanged (database/RowMemos.ts). */
  rowMemos: RowMemos;
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
  loaders: RequestLoaders<ApiContext>;
}

/** A feature's per-request loader (see requestLoaders.ts). */
export type ApiLoaderFactory<Key, Value, Variant = undefined> = LoaderFactory<ApiContext, Key, Value, Variant>;
