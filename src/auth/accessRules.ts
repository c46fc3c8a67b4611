// The access matrix of SPEC.md, once. Each rule answers two questions: may this caller use the field at
// all, and (for rules about team-owned data) may it touch data of a given team. The @auth directive
// names these rules; services ask the same functions about the rows they load.
import { ApiError } from '../errors/ApiError';
import type { AuthenticatedPrincipal, Principal } from './Principal';
import { UserRole } from './UserRole';

export enum AuthRule {
  /** Any valid key. */
  AUTHENTICATED = 'AUTHENTICATED',
  /** Add, update, patch, delete a model: proxy admins, and team admins for their team's models. */
  MODEL_MANAGER = 'MODEL_MANAGER',
  /** Data of the parent model's team: proxy admins and viewers, and members of that team; for a model with no team, admins and viewers only. */
  TEAM_MEMBER = 'TEAM_MEMBER',
  /** The audit trail: proxy admins and viewers see all of it, team admins their team's models' entries. */
  AUDIT_READER = 'AUDIT_READER',
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

function isAdminOfTeam(principal: AuthenticatedPrincipal, teamId: string): boolean {
  return principal.isTeamAdmin && principal.teamId === teamId;
}

/** Viewer roles never mutate, not even the models of a team they administer. */
function isViewer(principal: AuthenticatedPrincipal): boolean {
  return VIEWER_ROLES.includes(principal.role);
}

function managesTeam(principal: AuthenticatedPrincipal, teamId: string | null): boolean {
  return teamId !== null && !isViewer(principal) && isAdminOfTeam(principal, teamId);
}

interface RuleDefinition {
  /** May this caller use the field at all? */
  allowsCaller(principal: AuthenticatedPrincipal): boolean;
  /** May this caller touch data of this team (null: data with no team)? */
  allowsTeam(principal: AuthenticatedPrincipal, teamId: string | null): boolean;
}

export const RULES: Record<AuthRule, RuleDefinition> = {
  [AuthRule.AUTHENTICATED]: {
    allowsCaller: () => true,
    allowsTeam: () => true,
  },
  [AuthRule.MODEL_MANAGER]: {
    allowsCaller: (principal) => isProxyAdmin(principal) || managesTeam(principal, principal.teamId),
    allowsTeam: (principal, teamId) => isProxyAdmin(principal) || managesTeam(principal, teamId),
  },
  [AuthRule.TEAM_MEMBER]: {
    allowsCaller: () => true,
    allowsTeam: (principal, teamId) => seesEverything(principal) || (teamId !== null && principal.teamId === teamId),
  },
  [AuthRule.AUDIT_READER]: {
    allowsCaller: (principal) => seesEverything(principal) || (principal.isTeamAdmin && principal.teamId !== null),
    allowsTeam: (principal, teamId) => seesEverything(principal) || (teamId !== null && isAdminOfTeam(principal, teamId)),
  },
};

/** Row visibility of models: no-team models are seen by every key, a team's models by its members and the admins. */
export function canSeeModelOfTeam(principal: AuthenticatedPrincipal, teamId: string | null): boolean {
  return teamId === null || seesEverything(principal) || principal.teamId === teamId;
}

export function requireAuthenticated(principal: Principal): AuthenticatedPrincipal {
  if (!principal.authenticated) throw ApiError.unauthenticated(principal.reason);
  return principal;
}

export function assertRoles(principal: AuthenticatedPrincipal, roles: readonly UserRole[]): void {
  if (!roles.includes(principal.role)) throw ApiError.forbidden(`This requires one of the roles ${roles.map(roleName).join(', ')}.`);
}

export function assertCallerAllowed(principal: AuthenticatedPrincipal, rule: AuthRule): void {
  if (!RULES[rule].allowsCaller(principal)) throw ApiError.forbidden(forbiddenMessage(rule));
}

export function assertTeamAllowed(principal: AuthenticatedPrincipal, rule: AuthRule, teamId: string | null): void {
  if (!RULES[rule].allowsTeam(principal, teamId)) throw ApiError.forbidden(forbiddenMessage(rule));
}

function forbiddenMessage(rule: AuthRule): string {
  switch (rule) {
    case AuthRule.MODEL_MANAGER:
      return 'Only a proxy admin, or an admin of the model’s team using a key of that team, may change this model.';
    case AuthRule.TEAM_MEMBER:
      return 'Only proxy admins and members of the model’s team may read this field.';
    case AuthRule.AUDIT_READER:
      return 'Only proxy admins, proxy admin viewers and team admins may read the audit trail.';
    default:
      return 'You are not allowed to do this.';
  }
}

function roleName(role: UserRole): string {
  return Object.entries(UserRole).find(([, value]) => value === role)?.[0] ?? role;
}
