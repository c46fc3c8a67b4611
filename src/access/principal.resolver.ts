// `me`: lets a client check its key and see its role.
import { Ctx, Query, Resolver } from 'type-graphql';
import type { AccessContext } from './Auth';
import { PrincipalType } from './principal.type';

@Resolver(() => PrincipalType)
export class PrincipalResolver {
  @Query(() => PrincipalType, { description: 'The caller. Unauthenticated callers get `authenticated: false`.' })
  me(@Ctx() { principal }: AccessContext): PrincipalType {
    if (!principal.authenticated) return { authenticated: false, isTeamAdmin: false };
    const { userId, role, teamId, isTeamAdmin } = principal;
    return { authenticated: true, userId, role, teamId, isTeamAdmin };
  }
}
