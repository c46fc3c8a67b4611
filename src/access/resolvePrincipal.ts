// Turns the request's API key into a Principal: the master key, or an `sk-` key found by its hash.
import { timingSafeEqual } from 'node:crypto';
import { hashApiKey } from '../crypto/hashApiKey';
import type { KeyRepository } from './KeyRepository';
import { anonymous, MASTER_KEY_USER_ID, type Principal } from './Principal';
import { parseStoredRole, UserRole } from './UserRole';

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
  keys: KeyRepository,
  now: Date = new Date(),
): Promise<Principal> {
  if (!apiKey) return anonymous('No API key was sent (Authorization: Bearer <key>).');
  const keyHash = hashApiKey(apiKey);
  if (isMasterKeyHash(keyHash, masterKeyHash)) {
    return { authenticated: true, userId: MASTER_KEY_USER_ID, role: UserRole.PROXY_ADMIN, teamId: null, isTeamAdmin: false, keyHash };
  }
  const invalid = anonymous('The API key is not valid.');
  if (!apiKey.startsWith('sk-')) return invalid;

  const key = await keys.findByHash(keyHash);
  if (!key) return invalid;
  if (key.blocked) return anonymous('The API key is blocked.');
  if (key.expires && key.expires.getTime() <= now.getTime()) return anonymous('The API key has expired.');

  let role = UserRole.INTERNAL_USER;
  if (key.userId) {
    // A key whose user was deleted grants nothing.
    if (!key.userExists) return anonymous("The API key's user no longer exists.");
    role = parseStoredRole(key.userRole);
  }
  if (key.teamExists && key.teamBlocked) return anonymous("The API key's team is blocked.");
  return {
    authenticated: true,
    userId: key.userId ?? '',
    role,
    // A team id that names no team (or is empty) makes the key one of no team.
    teamId: key.teamExists && key.teamId ? key.teamId : null,
    isTeamAdmin: key.teamExists && key.userId != null && key.isTeamAdmin,
    keyHash,
  };
}
