// The GraphQL shape of a stored credential: its name and info, never its values.
import { Field, ID, ObjectType } from 'type-graphql';
import type { StoredCredential } from './CredentialRepository';

@ObjectType('Credential', { description: 'A stored credential (LiteLLM_CredentialsTable) that models name in litellm_params.litellm_credential_name. Its values are never returned.' })
export class CredentialNode {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'What a model puts in litellm_params.litellm_credential_name.' })
  name!: string;

  @Field(() => Date)
  createdAt!: Date;

  @Field()
  createdBy!: string;

  @Field(() => Date)
  updatedAt!: Date;

  @Field()
  updatedBy!: string;

  /** credential_info as stored (it may hold secrets too: masked on the way out). */
  storedInfo!: unknown;
}

/** An instance of CredentialNode, so that type-graphql passes it to field resolvers as is. */
export function credentialNode(credential: StoredCredential): CredentialNode {
  return Object.assign(new CredentialNode(), {
    id: credential.credentialId,
    name: credential.credentialName,
    createdAt: credential.createdAt,
    createdBy: credential.createdBy,
    updatedAt: credential.updatedAt,
    updatedBy: credential.updatedBy,
    storedInfo: credential.credentialInfo,
  });
}
