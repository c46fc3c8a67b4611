// Turns the request's API key into a Principal: the master key, or an `sk-` key found by its hash.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Team } from '../database/entities/Team';
import { User } from '../database/entities/User';
import { VerificationToken } from '../database/entities/VerificationToken';
import { hashApiKey } from '../crypto/hashApiKey';
import { anonymous, MASTER_KEY_USER_ID, type Principal } from './Principal';
import { parseStoredRole, UserRole } from './UserRole';
import { isTeamAdmin } from './teamMembership';

export type HeaderLookup = (name: string) => string | undefined;

/** `Authorization: Bearer <key>`, else `x-litellm-api-key: <key>`. */
export function extractApiKey(header: HeaderLookup): string | undefined {
  const authorization = header('authorization')?.trim();
  if (authorization) {
    const match = /^Bearer\s+(.+)$/i.exec(authorization);
    return match ? match[1].trim() : authorization;
  }
  return header('x-litellm-api-key')?.trim() || undefined;
}

/** Constant-time comparison whatever the lengths: both sides are hashed first. */
export function isMasterKey(candidate: string, masterKey: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(candidate), digest(masterKey));
}

export async function resolvePrincipal(
  apiKey: string | undefined,
  masterKey: string,
  em: EntityManager,
  now: Date = new Date(),
): Promise<Principal> {
  if (!apiKey) return anonymous('No API key was sent (Authorization: Bearer <key>).');
  const keyHash = hashApiKey(apiKey);
  if (isMasterKey(apiKey, masterKey)) {
    return { authenticated: true, userId: MASTER_KEY_USER_ID, role: UserRole.PROXY_ADMIN, teamId: null, isTeamAdmin: false, keyHash };
  }
  const invalid = anonymous('The API key is not valid.');
  if (!apiKey.startsWith('sk-')) return invalid;

  const token = await em.findOne(VerificationToken, { token: keyHash });
  if (!token || token.blocked) return invalid;
  if (token.expires && token.expires.getTime() <= now.getTime()) return anonymous('The API key has expired.');

  let role = UserRole.INTERNAL_USER;
  if (token.userId) {
    const user = await em.findOne(User, { userId: token.userId });
    // A key whose user was deleted grants nothing.
    if (!user) return invalid;
    role = parseStoredRole(user.userRole);
  }
  const team = token.teamId ? await em.findOne(Team, { teamId: token.teamId }) : null;
  if (team?.blocked) return anonymous("The API key's team is blocked.");
  return {
    authenticated: true,
    userId: token.userId ?? '',
    role,
    teamId: team?.teamId ?? null,
    isTeamAdmin: team !== null && token.userId != null && isTeamAdmin(team, token.userId),
    keyHash,
  };
}
