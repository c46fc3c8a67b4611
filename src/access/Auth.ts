// @Auth(...) on a field prints the `@auth` directive into the SDL; enforceAuthDirectives then reads every
// `@auth` in the built schema and wraps that field's resolver with the check. The directive is the one
// declaration of a rule: what schema.graphql shows is exactly what runs.
import {
  defaultFieldResolver,
  DirectiveLocation,
  getDirectiveValues,
  GraphQLDirective,
  GraphQLEnumType,
  GraphQLList,
  GraphQLNonNull,
  GraphQLSchema,
  assertEnumType,
  isObjectType,
  type GraphQLFieldResolver,
} from 'graphql';
import { Directive } from 'type-graphql';
import { ApiError } from '../errors/ApiError';
import type { AccessGuard } from './AccessGuard';
import { allowsCaller, assertRoles, AuthRule, requireAuthenticated, RULES, roleName } from './accessRules';
import type { Principal } from './Principal';
import type { OwnerTeam } from './TeamScope';
import { UserRole } from './UserRole';

export const AUTH_DIRECTIVE_NAME = 'auth';

export interface AuthOptions {
  /** The caller's role must be one of these. */
  requires?: UserRole[];
  /** A rule from accessRules; on a field of an object type, the parent's `ownerTeam` is checked against it. */
  rule?: AuthRule;
}

/** Objects whose fields carry team rules expose the team they belong to. */
export interface TeamOwned {
  ownerTeam: OwnerTeam;
}

/** What the check reads from a resolver's context. */
export interface AccessContext {
  principal: Principal;
  /** The request's guard; absent when no valid key was sent. */
  access?: AccessGuard;
}

export function Auth(options: AuthOptions): MethodDecorator & PropertyDecorator {
  return Directive(directiveSdl(options));
}

function directiveSdl({ requires, rule }: AuthOptions): string {
  const args = [requires ? `requires: [${requires.map(roleName).join(', ')}]` : '', rule ? `rule: ${rule}` : ''].filter(Boolean);
  return `@${AUTH_DIRECTIVE_NAME}(${args.join(', ')})`;
}

/** Adds the `auth` directive's definition (and its AuthRule enum) to a schema built by type-graphql. */
export function withAuthDirective(schema: GraphQLSchema): GraphQLSchema {
  const config = schema.toConfig();
  const authRule = new GraphQLEnumType({
    name: 'AuthRule',
    description: 'Access rules named by the @auth directive (see src/access/accessRules.ts).',
    values: Object.fromEntries(Object.values(AuthRule).map((rule) => [rule, { value: rule }])),
  });
  const auth = new GraphQLDirective({
    name: AUTH_DIRECTIVE_NAME,
    description: 'Who may use this field. The same declaration drives the runtime check.',
    locations: [DirectiveLocation.FIELD_DEFINITION],
    args: {
      requires: { type: new GraphQLList(new GraphQLNonNull(assertEnumType(schema.getType('UserRole')))) },
      rule: { type: authRule },
    },
  });
  return new GraphQLSchema({ ...config, types: [...config.types, authRule], directives: [...config.directives, auth] });
}

/**
 * Wraps the resolver of every field that carries `@auth` with its check. The check is synchronous, so a
 * guarded field that resolves synchronously stays synchronous (a list of 100 models costs no promises).
 */
export function enforceAuthDirectives(schema: GraphQLSchema): GraphQLSchema {
  const auth = schema.getDirective(AUTH_DIRECTIVE_NAME);
  if (!auth) throw new Error('enforceAuthDirectives: the schema does not define @auth (use withAuthDirective first).');
  const rootTypes = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()];
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const options = field.astNode && (getDirectiveValues(auth, field.astNode) as AuthOptions | undefined);
      if (!options) continue;
      // Queries and mutations hand the request's guard to their service, which checks every row it loads; a field
      // of an object type is checked against its parent's team here.
      const checksParentTeam = !rootTypes.includes(type);
      field.resolve = guardedResolver(options, checksParentTeam, `${type.name}.${field.name}`, field.resolve ?? defaultFieldResolver);
      // A subscription is checked when it starts, and its resolve above again on every event it delivers.
      if (field.subscribe) field.subscribe = guardedResolver(options, false, `${type.name}.${field.name}`, field.subscribe);
    }
  }
  return schema;
}

function guardedResolver(
  { requires, rule }: AuthOptions,
  checksParentTeam: boolean,
  coordinate: string,
  resolve: GraphQLFieldResolver<unknown, AccessContext>,
): GraphQLFieldResolver<unknown, AccessContext> {
  return (root, args, context, info) => {
    const principal = requireAuthenticated(context.principal);
    if (requires) assertRoles(principal, requires);
    if (rule) {
      if (!allowsCaller(principal, rule)) throw ApiError.forbidden(RULES[rule].forbidden);
      if (checksParentTeam) {
        // Fails closed: a team rule on an object that names no team is a bug, never a pass.
        if (!isTeamOwned(root)) throw new Error(`@auth(rule: ${rule}) on ${coordinate} needs a parent with an ownerTeam.`);
        context.access!.assert(rule, root.ownerTeam);
      }
    }
    return resolve(root, args, context, info);
  };
}

function isTeamOwned(root: unknown): root is TeamOwned {
  return typeof root === 'object' && root !== null && 'ownerTeam' in root;
}
