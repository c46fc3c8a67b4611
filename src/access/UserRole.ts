// The proxy's user roles, stored lower case in LiteLLM_UserTable.user_role, upper case in GraphQL.
import { registerEnumType } from 'type-graphql';

export enum UserRole {
  PROXY_ADMIN = 'proxy_admin',
  PROXY_ADMIN_VIEWER = 'proxy_admin_viewer',
  ORG_ADMIN = 'org_admin',
  INTERNAL_USER = 'internal_user',
  INTERNAL_USER_VIEWER = 'internal_user_viewer',
  TEAM = 'team',
  CUSTOMER = 'customer',
}

registerEnumType(UserRole, { name: 'UserRole', description: "The caller's role, as the proxy stores it." });

const STORED_ROLES = new Set<string>(Object.values(UserRole));

/** A stored role the proxy may have written; unknown or missing roles fall back to internal_user. */
export function parseStoredRole(stored: string | null | undefined): UserRole {
  return stored && STORED_ROLES.has(stored) ? (stored as UserRole) : UserRole.INTERNAL_USER;
}
