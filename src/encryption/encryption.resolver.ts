// GraphQL for the encryption lifecycle: encryptionStatus. Rewriting values is the command line's (npm run encryption).
import { Ctx, Query, Resolver } from 'type-graphql';
import { Auth } from '../access/Auth';
import { UserRole } from '../access/UserRole';
import type { ApiContext } from '../graphql/context';
import { encryptionStatusNode, EncryptionStatusNode } from './encryption.type';
import { readEncryptionStatus } from './EncryptionStatusReport';

@Resolver()
export class EncryptionResolver {
  @Query(() => EncryptionStatusNode, { description: 'How every place the proxy encrypts with its salt key is stored: counts per table, column and format.' })
  @Auth({ requires: [UserRole.PROXY_ADMIN, UserRole.PROXY_ADMIN_VIEWER] })
  async encryptionStatus(@Ctx() context: ApiContext): Promise<EncryptionStatusNode> {
    return encryptionStatusNode(await readEncryptionStatus(context.em, context.services.cipher));
  }
}
