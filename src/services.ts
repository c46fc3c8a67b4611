// Process-wide dependencies the resolvers reach through the context: read-only after start-up, so
// nothing that matters lives in memory between requests (many instances may share one database).
import type { ConfigModel } from './config/configFileModels';

export interface Services {
  /** The at-rest encryption key: sha256 of LITELLM_SALT_KEY, else of the master key. */
  encryptionKey: Uint8Array;
  /** hashApiKey of the master key: a request's key is compared by its hash, so the key itself is not kept here. */
  masterKeyHash: string;
  /** Read-only models from CONFIG_FILE. */
  configModels: readonly ConfigModel[];
  /** The config file's path, named in errors about its models. */
  configFile?: string;
}
