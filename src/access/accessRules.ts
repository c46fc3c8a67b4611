// The access matrix of SPEC.md, once. Each rule says which owning teams a caller may reach (a TeamScope, which
// yields both the check on one row and the SQL condition for a list) and whether a caller whose scope is empty may
// use the field at all. The @auth directive names these rules; the request's AccessGuard applies them to rows.
import { ApiError } from '../errors/ApiError';
import type { AuthenticatedPrincipal, Principal } from './Principal';
import { EVERY_TEAM, isEmptyScope, NO_TEAM_AT_ALL, teamsScope, type TeamScope } from './TeamScope';
import { UserRole } from './UserRole';

export enum AuthRule {
  /** Any valid key. */
  AUTHENTICATED = 'AUTHENTICATED',
  /** Seeing a model: every key sees models with no team, members of a team its models, admins and viewers all. */
  MODEL_VIEWER = 'MODEL_VIEWER',
  /** Add, update, patch, delete a model: proxy admins, and team admins for their team's models. */
  MODEL_MANAGER = 'MODEL_MANAGER',
  /** Data of the parent model's team: proxy admins and viewers, and members of that team; for a model with no team, admins and viewers only. */
  TEAM_MEMBER = 'TEAM_MEMBER',
  /** The audit trail: proxy admins and viewers see all of it, team admins their team's models' entries. */
  AUDIT_READER = 'AUDIT_READER',
}

interface RuleDefinition {
  /** The owning teams this caller may reach under the rule. */
  scope(principal: AuthenticatedPrincipal): TeamScope;
  /** A caller who may reach no team at all is refused the field outright (not just shown nothing). */
  refusesEmptyScope: boolean;
  /** The FORBIDDEN message. */
  forbidden: string;
}

const ADMIN_ROLES: readonly UserRole[] = [UserRole.PROXY_ADMIN];
const ADMIN_OR_VIEWER_ROLES: readonly UserRole[] = [UserRole.PROXY_ADMIN, UserRole.PROXY_ADMIN_VIEWER];
const VIEWER_ROLES: readonly UserRole[] = [UserRole.PROXY_ADMIN_VIEWER, UserRole.INTERNAL_USER_VIEWER];

export function isProxyAdmin(principal: AuthenticatedPrincipal): boolean {
  return ADMIN_ROLES.includes(principal.role);
}

export function seesEverything(principal: AuthenticatedPrincipal): boolean {
  return ADMIN_OR_VIEWER_ROLES.includes(principal.role);
}

/** Viewer roles never mutate, not even the models of a team they administer. */
function managesOwnTeam(principal: AuthenticatedPrincipal): boolean {
  return principal.isTeamAdmin && principal.teamId !== null && !VIEWER_ROLES.includes(principal.role);
}

export const RULES: Record<AuthRule, RuleDefinition> = {
  [AuthRule.AUTHENTICATED]: {
    scope: () => EVERY_TEAM,
    refusesEmptyScope: false,
    forbidden: 'You are not allowed to do this.',
  },
  [AuthRule.MODEL_VIEWER]: {
    scope: (principal) => (seesEverything(principal) ? EVERY_TEAM : teamsScope([null, principal.teamId])),
    refusesEmptyScope: false,
    forbidden: 'Only proxy admins and members of the model’s team may see this model.',
  },
  [AuthRule.MODEL_MANAGER]: {
    scope: (principal) => (isProxyAdmin(principal) ? EVERY_TEAM : managesOwnTeam(principal) ? teamsScope([principal.teamId]) : NO_TEAM_AT_ALL),
    refusesEmptyScope: true,
    forbidden: 'Only a proxy admin, or an admin of the model’s team using a key of that team, may change this model.',
  },
  [AuthRule.TEAM_MEMBER]: {
    scope: (principal) => (seesEverything(principal) ? EVERY_TEAM : principal.teamId ? teamsScope([principal.teamId]) : NO_TEAM_AT_ALL),
    refusesEmptyScope: false,
    forbidden: 'Only proxy admins and members of the model’s team may read this field.',
  },
  [AuthRule.AUDIT_READER]: {
    scope: (principal) =>
      seesEverything(principal) ? EVERY_TEAM : principal.isTeamAdmin && principal.teamId ? teamsScope([principal.teamId]) : NO_TEAM_AT_ALL,
    refusesEmptyScope: true,
    forbidden: 'Only proxy admins, proxy admin viewers and team admins may read the audit trail.',
  },
};

/** May this caller use a field guarded by `rule` at all? */
export function allowsCaller(principal: AuthenticatedPrincipal, rule: AuthRule): boolean {
  const definition = RULES[rule];
  return !definition.refusesEmptyScope || !isEmptyScope(definition.scope(principal));
}

export function requireAuthenticated(principal: Principal): AuthenticatedPrincipal {
  if (!principal.authenticated) throw ApiError.unauthenticated();
  return principal;
}

export function assertRoles(principal: AuthenticatedPrincipal, roles: readonly UserRole[]): void {
  if (!roles.includes(principal.role)) throw ApiError.forbidden(`This requires one of the roles ${roles.map(roleName).join(', ')}.`);
}

export function roleName(role: UserRole): string {
  return Object.entries(UserRole).find(([, value]) => value === role)?.[0] ?? role;
}
