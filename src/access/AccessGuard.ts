// The request's access rules, bound to its caller: services receive it from the context and ask it about every row
// they read or change, and repositories take its scopes as their SQL conditions.
import { ApiError } from '../errors/ApiError';
import { RULES, type AuthRule } from './accessRules';
import type { AuthenticatedPrincipal, Principal } from './Principal';
import { scopeAllows, type OwnerTeam, type TeamScope } from './TeamScope';

export class AccessGuard {
  private readonly scopes = new Map<AuthRule, TeamScope>();

  constructor(readonly principal: AuthenticatedPrincipal) {}

  /** The owning teams the caller may reach under `rule` (worked out once per request and rule). */
  scope(rule: AuthRule): TeamScope {
    let scope = this.scopes.get(rule);
    if (!scope) this.scopes.set(rule, (scope = RULES[rule].scope(this.principal)));
    return scope;
  }

  allows(rule: AuthRule, owner: OwnerTeam): boolean {
    return scopeAllows(this.scope(rule), owner);
  }

  /** FORBIDDEN unless the caller may reach a row of `owner` under `rule`. */
  assert(rule: AuthRule, owner: OwnerTeam): void {
    if (!this.allows(rule, owner)) throw ApiError.forbidden(RULES[rule].forbidden);
  }
}

/** The request's guard; UNAUTHENTICATED when no valid key was sent (the @auth check normally said so already). */
export function accessOf(context: { principal: Principal; access?: AccessGuard }): AccessGuard {
  if (!context.access) throw ApiError.unauthenticated();
  return context.access;
}
