// GraphQL for stored credentials: the `credentials` query and what a credential shows of itself.
import { GraphQLJSON } from 'graphql-scalars';
import { Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { Auth } from '../access/Auth';
import { UserRole } from '../access/UserRole';
import { maskSecrets } from '../crypto/maskSecrets';
import { storedJsonObject, UNDECODABLE } from '../database/types/storedJson';
import type { ApiContext } from '../graphql/context';
import { CredentialNode } from './credential.type';
import { CredentialService } from './CredentialService';

@Resolver(() => CredentialNode)
export class CredentialResolver {
  @Query(() => [CredentialNode], { description: 'Stored credentials by name, with the models that use them; never their values.' })
  @Auth({ requires: [UserRole.PROXY_ADMIN, UserRole.PROXY_ADMIN_VIEWER] })
  credentials(@Ctx() context: ApiContext): Promise<CredentialNode[]> {
    return new CredentialService(context.em, context.services.schema).list();
  }

  @FieldResolver(() => GraphQLJSON, { nullable: true, description: 'credential_info, every secret-bearing value masked.' })
  info(@Root() credential: CredentialNode): unknown {
    const info = storedJsonObject(credential.storedInfo);
    // Text that is not a JSON object could be anything, a secret included: never shown.
    return info === undefined || info === UNDECODABLE ? null : maskSecrets(info);
  }
}
