// Who is calling: resolved once per request from its API key.
import { UserRole } from './UserRole';

export const MASTER_KEY_USER_ID = 'default_user_id';

export interface AuthenticatedPrincipal {
  authenticated: true;
  userId: string;
  role: UserRole;
  /** The key's team, when the key belongs to one. */
  teamId: string | null;
  /** The user is listed with role admin in the key's team. */
  isTeamAdmin: boolean;
  /** sha256 hex of the key used: what the audit trail records, never the key. */
  keyHash: string;
}

export interface AnonymousPrincipal {
  authenticated: false;
  /** Why there is no principal: for the server's log only (every caller gets the same UNAUTHENTICATED message). */
  reason: string;
}

export type Principal = AuthenticatedPrincipal | AnonymousPrincipal;

export function anonymous(reason: string): AnonymousPrincipal {
  return { authenticated: false, reason };
}
