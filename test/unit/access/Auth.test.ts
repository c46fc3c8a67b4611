// @Auth: one declaration prints the directive, and the directive drives the check; field rules read the
// parent's team and fail closed on a parent that names none.
import { graphql, graphqlSync, type GraphQLSchema } from 'graphql';
import { buildSchemaSync, Field, ObjectType, Query, Resolver } from 'type-graphql';
import { Auth, enforceAuthDirectives, withAuthDirective } from '../../../src/access/Auth';
import { AccessGuard } from '../../../src/access/AccessGuard';
import { AuthRule } from '../../../src/access/accessRules';
import { anonymous, type Principal } from '../../../src/access/Principal';
import { UserRole } from '../../../src/access/UserRole';
import { ApiError } from '../../../src/errors/ApiError';

@ObjectType()
class TeamThing {
  @Field(() => String, { nullable: true })
  ownerTeam!: string | null;

  @Field()
  @Auth({ rule: AuthRule.TEAM_MEMBER })
  secret!: string;
}

@ObjectType()
class Teamless {
  @Field()
  @Auth({ rule: AuthRule.TEAM_MEMBER })
  secret!: string;
}

@Resolver()
class ProbeResolver {
  @Query(() => TeamThing)
  thingOfTeamT(): TeamThing {
    return { ownerTeam: 'T', secret: 'of T' };
  }

  @Query(() => Teamless)
  teamless(): Teamless {
    return { secret: 'of nobody' };
  }

  @Query(() => String)
  @Auth({ requires: [UserRole.PROXY_ADMIN] })
  adminOnly(): string {
    return 'ok';
  }

  @Query(() => UserRole)
  unguardedRole(): UserRole {
    return UserRole.INTERNAL_USER;
  }
}

function principal(role: UserRole, teamId: string | null = null): Principal {
  return { authenticated: true, userId: 'u', role, teamId, isTeamAdmin: false, keyHash: 'h' };
}

describe('@Auth', () => {
  let schema: GraphQLSchema;
  beforeAll(() => {
    schema = enforceAuthDirectives(withAuthDirective(buildSchemaSync({ resolvers: [ProbeResolver], validate: false })));
  });
  /** The context a request builds: the caller, and its guard when it has a key. */
  const contextOf = (caller: Principal) => ({ principal: caller, access: caller.authenticated ? new AccessGuard(caller) : undefined });
  const run = (source: string, caller: Principal) => graphql({ schema, source, contextValue: contextOf(caller) });

  it('puts the rule in the schema as an @auth directive', () => {
    const field = schema.getQueryType()!.getFields().adminOnly;
    expect(field.astNode?.directives?.map((directive) => directive.name.value)).toEqual(['auth']);
  });

  it('refuses a caller without the required role (FORBIDDEN) and a caller without a key (UNAUTHENTICATED)', async () => {
    expect((await run('{ adminOnly }', principal(UserRole.PROXY_ADMIN))).data).toEqual({ adminOnly: 'ok' });
    expect((await run('{ adminOnly }', principal(UserRole.PROXY_ADMIN_VIEWER))).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    // The reason a key was refused is for the log; every caller reads the same message.
    expect((await run('{ adminOnly }', anonymous('No API key was sent.'))).errors?.[0]).toMatchObject({
      message: ApiError.unauthenticated().message,
      extensions: { code: 'UNAUTHENTICATED' },
    });
  });

  it("checks a field rule against the parent's team", async () => {
    expect((await run('{ thingOfTeamT { secret } }', principal(UserRole.INTERNAL_USER, 'T'))).data).toEqual({ thingOfTeamT: { secret: 'of T' } });
    const outsider = await run('{ thingOfTeamT { secret } }', principal(UserRole.INTERNAL_USER, 'U'));
    expect(outsider.errors?.[0]).toMatchObject({ path: ['thingOfTeamT', 'secret'], extensions: { code: 'FORBIDDEN' } });
  });

  it('keeps a synchronous guarded field synchronous', () => {
    const response = graphqlSync({ schema, source: '{ adminOnly thingOfTeamT { secret } }', contextValue: contextOf(principal(UserRole.PROXY_ADMIN)) });
    expect(response).toEqual({ data: { adminOnly: 'ok', thingOfTeamT: { secret: 'of T' } } });
  });

  it('needs the directive defined before it can enforce it', () => {
    expect(() => enforceAuthDirectives(buildSchemaSync({ resolvers: [ProbeResolver], validate: false }))).toThrow(/does not define @auth/);
  });

  it('fails closed when the parent of a field rule names no team', async () => {
    const response = await run('{ teamless { secret } }', principal(UserRole.PROXY_ADMIN));
    expect(response.data).toBeNull();
    expect(response.errors?.[0].message).toMatch(/needs a parent with an ownerTeam/);
  });
});
