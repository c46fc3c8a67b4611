// GraphQL for the proxy-admin mutations: createUser, createTeam, generateKey.
import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { Auth } from '../auth/Auth';
import { requireAuthenticated } from '../auth/accessRules';
import { UserRole } from '../auth/UserRole';
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
    const user = await new AdminService(context.em).createUser(requireAuthenticated(context.principal), input);
    return { id: user.userId, role: userRoleOf(user), email: user.userEmail ?? null, teams: user.teams ?? [] };
  }

  @Mutation(() => TeamNode)
  @Auth({ requires: [UserRole.PROXY_ADMIN] })
  async createTeam(@Arg('input', () => CreateTeamInput) input: CreateTeamInput, @Ctx() context: ApiContext): Promise<TeamNode> {
    return teamNode(await new AdminService(context.em).createTeam(requireAuthenticated(context.principal), input));
  }

  @Mutation(() => GeneratedKey)
  @Auth({ requires: [UserRole.PROXY_ADMIN] })
  async generateKey(@Arg('input', () => GenerateKeyInput) input: GenerateKeyInput, @Ctx() context: ApiContext): Promise<GeneratedKey> {
    const { key, token } = await new AdminService(context.em).generateKey(requireAuthenticated(context.principal), input);
    return { key, token: token.token, userId: token.userId!, teamId: token.teamId ?? null, keyAlias: token.keyAlias ?? null, expires: token.expires ?? null };
  }
}
