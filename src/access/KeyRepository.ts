// Reads an API key with what decides its principal: its user's role and its team's state, in one statement (it runs
// before every request made with an `sk-` key). All of this aggregate's SQL is here.
import type { EntityManager } from '@mikro-orm/postgresql';
import { readRows } from '../database/readRows';
import { SQL_FUNCTIONS } from '../database/schema/sqlFunctions';
import { sql, table, trusted } from '../database/sql';
import { TABLES } from '../database/tables';
import { readUtcTimestamp } from '../database/utcTimestamps';

export interface KeyRow {
  /** sha256 hex of the key. */
  token: string;
  blocked: boolean;
  expires: Date | null;
  userId: string | null;
  /** The key names a user that still exists. */
  userExists: boolean;
  userRole: string | null;
  teamId: string | null;
  /** The key names a team that still exists. */
  teamExists: boolean;
  teamBlocked: boolean;
  /** The key's user is listed with role admin in its team's members_with_roles (a JSON list, or a JSON-encoded one). */
  isTeamAdmin: boolean;
}

interface StoredKeyRow {
  token: string;
  blocked: boolean | null;
  expires: unknown;
  user_id: string | null;
  user_exists: boolean;
  user_role: string | null;
  team_id: string | null;
  team_exists: boolean;
  team_blocked: boolean | null;
  is_team_admin: boolean;
}

const MEMBERS = trusted(`${SQL_FUNCTIONS.decodedJson}("team".members_with_roles)`);

export class KeyRepository {
  constructor(private readonly em: EntityManager) {}

  async findByHash(keyHash: string): Promise<KeyRow | null> {
    const [row] = await readRows<StoredKeyRow>(
      this.em,
      sql`SELECT "key".token, "key".blocked, "key".expires, "key".user_id, "key".team_id,
                 "user".user_id IS NOT NULL AS user_exists, "user".user_role,
                 "team".team_id IS NOT NULL AS team_exists, "team".blocked AS team_blocked,
                 (jsonb_typeof(${MEMBERS}) = 'array' AND EXISTS (
                   SELECT 1 FROM jsonb_array_elements(${MEMBERS}) AS member
                   WHERE jsonb_typeof(member) = 'object' AND member ->> 'user_id' = "key".user_id AND member ->> 'role' = 'admin'
                 )) AS is_team_admin
          FROM ${table(TABLES.verificationToken)} "key"
          LEFT JOIN ${table(TABLES.user)} "user" ON "user".user_id = "key".user_id
          LEFT JOIN ${table(TABLES.team)} "team" ON "team".team_id = "key".team_id
          WHERE "key".token = ${keyHash}`,
    );
    if (!row) return null;
    return {
      token: row.token,
      blocked: row.blocked === true,
      expires: row.expires === null ? null : readUtcTimestamp(row.expires),
      userId: row.user_id,
      userExists: row.user_exists,
      userRole: row.user_role,
      teamId: row.team_id,
      teamExists: row.team_exists,
      teamBlocked: row.team_blocked === true,
      isTeamAdmin: row.is_team_admin === true,
    };
  }
}
