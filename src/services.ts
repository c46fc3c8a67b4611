// Process-wide dependencies the resolvers reach through the context: read-only after start-up, so
// nothing that matters lives in memory between requests (many instances may share one database).
import type { ConfigModel } from './config/configFileModels';

export interface Services {
  /** The at-rest encryption key: sha256 of LITELLM_SALT_KEY, else of the master key. */
  encryptionKey: Uint8Array;
  masterKey: string;
  /** Read-only models from CONFIG_FILE. */
  configModels: readonly ConfigModel[];
  /** The config file's path, named in errors about its models. */
  configFile?: string;
}
