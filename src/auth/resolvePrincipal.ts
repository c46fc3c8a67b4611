// Turns the request's API key into a Principal: the master key, or an `sk-` key found by its hash.
import { timingSafeEqual } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Team } from '../database/entities/Team';
import { User } from '../database/entities/User';
import { VerificationToken } from '../database/entities/VerificationToken';
import { aliasedColumnsSql, hydrateAliasedForReading } from '../database/hydrateForReading';
import { TABLES } from '../database/tables';
import { hashApiKey } from '../crypto/hashApiKey';
import { anonymous, MASTER_KEY_USER_ID, type Principal } from './Principal';
import { parseStoredRole, UserRole } from './UserRole';
import { isTeamAdmin } from './teamMembership';
import { readRows } from '../database/readRows';

export type HeaderLookup = (name: string) => string | undefined;

/** `Authorization: Bearer <key>`, else `x-litellm-api-key: <key>`. */
export function extractApiKey(header: HeaderLookup): string | undefined {
  const authorization = header('authorization')?.trim();
  // A bare `Bearer` carries no key: fall back to the other header, as when Authorization is absent.
  const fromAuthorization = authorization?.replace(/^Bearer(\s+|$)/i, '').trim();
  return fromAuthorization || header('x-litellm-api-key')?.trim() || undefined;
}

/**
 * Whether a key is the master key, compared in constant time whatever the lengths: by their sha256
 * (hashApiKey), which a request computes anyway and the master key's once at start.
 */
export function isMasterKeyHash(candidateHash: string, masterKeyHash: string): boolean {
  return timingSafeEqual(Buffer.from(candidateHash, 'hex'), Buffer.from(masterKeyHash, 'hex'));
}

export async function resolvePrincipal(
  apiKey: string | undefined,
  /** hashApiKey of the master key. */
  masterKeyHash: string,
  em: EntityManager,
  now: Date = new Date(),
): Promise<Principal> {
  if (!apiKey) return anonymous('No API key was sent (Authorization: Bearer <key>).');
  const keyHash = hashApiKey(apiKey);
  if (isMasterKeyHash(keyHash, masterKeyHash)) {
    return { authenticated: true, userId: MASTER_KEY_USER_ID, role: UserRole.PROXY_ADMIN, teamId: null, isTeamAdmin: false, keyHash };
  }
  const invalid = anonymous('The API key is not valid.');
  if (!apiKey.startsWith('sk-')) return invalid;

  const found = await findKeyWithUserAndTeam(em, keyHash);
  if (!found) return invalid;
  const { token, user, team } = found;
  if (token.blocked) return anonymous('The API key is blocked.');
  if (token.expires && token.expires.getTime() <= now.getTime()) return anonymous('The API key has expired.');

  let role = UserRole.INTERNAL_USER;
  if (token.userId) {
    // A key whose user was deleted grants nothing.
    if (!user) return anonymous("The API key's user no longer exists.");
    role = parseStoredRole(user.userRole);
  }
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

/** The key, its user and its team in one statement: this runs before every request made with an `sk-` key. */
async function findKeyWithUserAndTeam(em: EntityManager, keyHash: string): Promise<{ token: VerificationToken; user: User | null; team: Team | null } | null> {
  const [row] = await readRows(
    em,
    `SELECT ${aliasedColumnsSql(em, VerificationToken, 'key')}, ${aliasedColumnsSql(em, User, 'user')}, ${aliasedColumnsSql(em, Team, 'team')}
     FROM "${TABLES.verificationToken}" "key"
     LEFT JOIN "${TABLES.user}" "user" ON "user".user_id = "key".user_id
     LEFT JOIN "${TABLES.team}" "team" ON "team".team_id = "key".team_id
     WHERE "key".token = ?`,
    [keyHash],
  );
  if (!row) return null;
  return {
    token: hydrateAliasedForReading(em, VerificationToken, 'key', row)!,
    user: hydrateAliasedForReading(em, User, 'user', row),
    team: hydrateAliasedForReading(em, Team, 'team', row),
  };
}
