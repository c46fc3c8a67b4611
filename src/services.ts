// Process-wide dependencies the resolvers reach through the context: read-only after start-up, so
// nothing that matters lives in memory between requests (many instances may share one database).
import type { ConfigModel } from './config/configFileModels';
import type { AtRestCipher } from './crypto/AtRestCipher';
import type { PresentedValues } from './models/PresentedValues';

export interface Services {
  /** At-rest encryption of litellm_params under LITELLM_SALT_KEY (else the master key), in the proxy's algorithm. */
  cipher: AtRestCipher;
  /** What stored litellm_params values present as (decrypted, masked), memoised for this app's cipher. */
  presentedValues: PresentedValues;
  /** hashApiKey of the master key: a request's key is compared by its hash, so the key itself is not kept here. */
  masterKeyHash: string;
  /** Read-only models from CONFIG_FILE. */
  configModels: readonly ConfigModel[];
  /** The config file's path, named in errors about its models. */
  configFile?: string;
}
