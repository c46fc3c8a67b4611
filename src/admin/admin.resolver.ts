// GraphQL for the proxy-admin mutations: createUser, createTeam, generateKey.
import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { Auth } from '../access/Auth';
import { accessOf } from '../access/AccessGuard';
import { UserRole } from '../access/UserRole';
import type { ApiContext } from '../graphql/context';
import { TeamNode } from '../teams/team.type';
import { teamNode } from '../teams/teamNode';
import { CreateTeamInput, CreateUserInput, GenerateKeyInput } from './admin.input';
import { GeneratedKey, UserNode } from './admin.type';
import { AdminService, userRoleOf } from './AdminService';

@Resolver()
export class AdminResolver {
  @Mutation(() => UserNode)
  @Auth({ requires: [UserRole.PROXY_ADMIN] })
  async createUser(@Arg('input', () => CreateUserInput) input: CreateUserInput, @Ctx() context: ApiContext): Promise<UserNode> {
    const user = await service(context).createUser(input);
    return { id: user.userId, role: userRoleOf(user), email: user.userEmail ?? null, teams: user.teams ?? [] };
  }

  @Mutation(() => TeamNode)
  @Auth({ requires: [UserRole.PROXY_ADMIN] })
  async createTeam(@Arg('input', () => CreateTeamInput) input: CreateTeamInput, @Ctx() context: ApiContext): Promise<TeamNode> {
    return teamNode(await service(context).createTeam(input));
  }

  @Mutation(() => GeneratedKey)
  @Auth({ requires: [UserRole.PROXY_ADMIN] })
  async generateKey(@Arg('input', () => GenerateKeyInput) input: GenerateKeyInput, @Ctx() context: ApiContext): Promise<GeneratedKey> {
    const { key, token } = await service(context).generateKey(input);
    return { key, token: token.token, userId: token.userId!, teamId: token.teamId ?? null, keyAlias: token.keyAlias ?? null, expires: token.expires ?? null };
  }
}

function service(context: ApiContext): AdminService {
  return new AdminService(context.em, accessOf(context));
}
