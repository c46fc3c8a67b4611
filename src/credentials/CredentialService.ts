// Stored credentials as this API knows them: listed without their values, and the one rule a model's
// litellm_credential_name must meet (it names a stored credential). Over an older proxy's database, which has no
// LiteLLM_CredentialsTable, there is nothing to list and nothing a model could name.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { SchemaFacts } from '../database/schema/SchemaFacts';
import { TABLES } from '../database/tables';
import { ApiError } from '../errors/ApiError';
import { CREDENTIAL_NAME_PARAM } from './credentialReference';
import { credentialNode, type CredentialNode } from './credential.type';
import { CredentialRepository } from './CredentialRepository';

export class CredentialService {
  private readonly credentials: CredentialRepository;

  constructor(
    em: EntityManager,
    private readonly schema: SchemaFacts,
  ) {
    this.credentials = new CredentialRepository(em);
  }

  async list(): Promise<CredentialNode[]> {
    if (!this.schema.credentialsTable) return [];
    return (await this.credentials.list()).map(credentialNode);
  }

  /** BAD_USER_INPUT unless `name` is a stored credential, read in `em`'s transaction. */
  async requireExisting(em: EntityManager, name: string): Promise<void> {
    if (!this.schema.credentialsTable) {
      throw ApiError.badInput(
        `litellm_params.${CREDENTIAL_NAME_PARAM} cannot name a stored credential here: this database has no ${TABLES.credentials} ` +
          '(an older LiteLLM proxy created its tables). Upgrade the proxy, whose migration adds that table, then restart this API.',
      );
    }
    if (!(await this.credentials.exists(em, name))) {
      throw ApiError.badInput(`litellm_params.${CREDENTIAL_NAME_PARAM}: there is no stored credential named ${JSON.stringify(name)} (see the \`credentials\` query).`);
    }
  }
}
