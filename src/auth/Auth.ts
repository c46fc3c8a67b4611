// @Auth(...) on a field: one declaration prints the `@auth` directive into the SDL and attaches the
// runtime check, so the two can never disagree.
import { DirectiveLocation, GraphQLDirective, GraphQLEnumType, GraphQLList, GraphQLNonNull, GraphQLSchema, assertEnumType } from 'graphql';
import { Directive, UseMiddleware, type MiddlewareFn } from 'type-graphql';
import type { ApiContext } from '../graphql/context';
import { assertCallerAllowed, assertRoles, assertTeamAllowed, AuthRule, requireAuthenticated } from './accessRules';
import { UserRole } from './UserRole';

export interface AuthOptions {
  /** The caller's role must be one of these. */
  requires?: UserRole[];
  /** A rule from accessRules; rules about team data read the parent object's `teamId`. */
  rule?: AuthRule;
}

/** Objects whose fields carry team rules expose the team they belong to. */
export interface TeamOwned {
  teamId: string | null;
}

export function Auth(options: AuthOptions): MethodDecorator & PropertyDecorator {
  const directive = Directive(directiveSdl(options));
  const middleware = UseMiddleware(authMiddleware(options));
  return (prototype: object, propertyKey: string | symbol, descriptor?: PropertyDescriptor) => {
    directive(prototype, propertyKey, descriptor as TypedPropertyDescriptor<unknown>);
    middleware(prototype, propertyKey, descriptor as TypedPropertyDescriptor<unknown>);
  };
}

function directiveSdl({ requires, rule }: AuthOptions): string {
  const roleKey = (role: UserRole) => Object.entries(UserRole).find(([, value]) => value === role)![0];
  const args = [requires ? `requires: [${requires.map(roleKey).join(', ')}]` : '', rule ? `rule: ${rule}` : ''].filter(Boolean);
  return `@auth(${args.join(', ')})`;
}

function authMiddleware({ requires, rule }: AuthOptions): MiddlewareFn<ApiContext> {
  return ({ context, root }, next) => {
    const principal = requireAuthenticated(context.principal);
    if (requires) assertRoles(principal, requires);
    if (rule) {
      assertCallerAllowed(principal, rule);
      if (isTeamOwned(root)) assertTeamAllowed(principal, rule, root.teamId);
    }
    return next();
  };
}

function isTeamOwned(root: unknown): root is TeamOwned {
  return typeof root === 'object' && root !== null && 'teamId' in root;
}

/** Adds the `auth` directive's definition (and its AuthRule enum) to a schema built by type-graphql. */
export function withAuthDirective(schema: GraphQLSchema): GraphQLSchema {
  const config = schema.toConfig();
  const authRule = new GraphQLEnumType({
    name: 'AuthRule',
    description: 'Access rules named by the @auth directive (see src/auth/accessRules.ts).',
    values: Object.fromEntries(Object.values(AuthRule).map((rule) => [rule, { value: rule }])),
  });
  const auth = new GraphQLDirective({
    name: 'auth',
    description: 'Who may use this field. The same declaration drives the runtime check.',
    locations: [DirectiveLocation.FIELD_DEFINITION],
    args: {
      requires: { type: new GraphQLList(new GraphQLNonNull(assertEnumType(schema.getType('UserRole')))) },
      rule: { type: authRule },
    },
  });
  return new GraphQLSchema({ ...config, types: [...config.types, authRule], directives: [...config.directives, auth] });
}
