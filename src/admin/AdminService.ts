// Creates users, teams and keys in the proxy's tables the way the proxy does, so a new deployment can
// be bootstrapped through this API alone. Proxy admins only (enforced by the @auth directive).
import { randomBytes, randomUUID } from 'node:crypto';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AccessGuard } from '../access/AccessGuard';
import { MASTER_KEY_USER_ID } from '../access/Principal';
import { parseStoredRole, UserRole } from '../access/UserRole';
import { auditedTransaction } from '../request/auditedTransaction';
import { hashApiKey } from '../crypto/hashApiKey';
import { Team, type TeamMember } from '../database/entities/Team';
import { User } from '../database/entities/User';
import { VerificationToken } from '../database/entities/VerificationToken';
import { ApiError } from '../errors/ApiError';
import { requireIdentifier } from '../models/validateModelInput';
import { TeamMemberRole } from '../teams/team.type';
import { isTeamMember } from '../teams/teamMembership';
import type { CreateTeamInput, CreateUserInput, GenerateKeyInput } from './admin.input';

/** Random bytes in a generated key (the proxy uses 16; more costs nothing). */
export const GENERATED_KEY_BYTES = 24;

export class AdminService {
  constructor(
    private readonly em: EntityManager,
    private readonly access: AccessGuard,
  ) {}

  async createUser(input: CreateUserInput): Promise<User> {
    const userId = input.userId == null ? randomUUID() : requireIdentifier(input.userId, 'userId');
    // Changes the master key makes are audited as default_user_id: a user of that id would write audit rows as it.
    if (userId === MASTER_KEY_USER_ID) throw ApiError.badInput(`userId ${JSON.stringify(userId)} is reserved for the master key.`);
    return this.createOnce(`A user with id ${JSON.stringify(userId)} already exists.`, async (em) => {
      if (await em.findOne(User, { userId })) throw ApiError.conflict(`A user with id ${JSON.stringify(userId)} already exists.`);
      return em.create(User, { userId, userRole: input.userRole ?? UserRole.INTERNAL_USER, userEmail: input.userEmail ?? null, teams: [] });
    });
  }

  async createTeam(input: CreateTeamInput): Promise<Team> {
    const teamId = input.teamId == null ? randomUUID() : requireIdentifier(input.teamId, 'teamId');
    const members = input.members ?? [];
    const memberIds = members.map((member) => requireIdentifier(member.userId, 'members.userId'));
    if (new Set(memberIds).size !== memberIds.length) throw ApiError.badInput('members lists a user more than once.');
    return this.createOnce(`A team with id ${JSON.stringify(teamId)} already exists.`, async (em) => {
      if (await em.findOne(Team, { teamId })) throw ApiError.conflict(`A team with id ${JSON.stringify(teamId)} already exists.`);
      const users = await em.find(User, { userId: { $in: memberIds } });
      const missing = memberIds.filter((id) => !users.some((user) => user.userId === id));
      if (missing.length) throw ApiError.badInput(`members: no user with id ${missing.map((id) => JSON.stringify(id)).join(', ')}.`);
      const membersWithRoles: TeamMember[] = members.map((member) => ({
        user_id: member.userId,
        user_email: users.find((user) => user.userId === member.userId)?.userEmail ?? null,
        role: member.role === TeamMemberRole.ADMIN ? 'admin' : 'user',
      }));
      for (const user of users) user.teams = [...(user.teams ?? []), teamId];
      return em.create(Team, {
        teamId,
        teamAlias: input.teamAlias ?? null,
        admins: membersWithRoles.filter((member) => member.role === 'admin').map((member) => member.user_id!),
        members: memberIds,
        membersWithRoles,
        models: [],
      });
    });
  }

  async generateKey(input: GenerateKeyInput): Promise<{ key: string; token: VerificationToken }> {
    const userId = requireIdentifier(input.userId, 'userId');
    const teamId = input.teamId == null ? null : requireIdentifier(input.teamId, 'teamId');
    if (input.expires && input.expires.getTime() <= Date.now()) throw ApiError.badInput('expires must be in the future.');
    const key = `sk-${randomBytes(GENERATED_KEY_BYTES).toString('base64url')}`;
    const principal = this.access.principal;
    const token = await auditedTransaction(this.em, this.access, async (em) => {
      const user = await em.findOne(User, { userId });
      if (!user) throw ApiError.badInput(`userId: no user with id ${JSON.stringify(userId)}.`);
      if (teamId) {
        const team = await em.findOne(Team, { teamId });
        if (!team) throw ApiError.badInput(`teamId: no team with id ${JSON.stringify(teamId)}.`);
        if (!isTeamMember(team, userId)) throw ApiError.badInput(`User ${JSON.stringify(userId)} is not a member of team ${JSON.stringify(teamId)}.`);
      }
      return em.create(VerificationToken, {
        token: hashApiKey(key),
        keyName: `sk-...${key.slice(-4)}`,
        keyAlias: input.keyAlias ?? null,
        userId,
        teamId,
        expires: input.expires ?? null,
        blocked: false,
        createdBy: principal.userId,
        updatedBy: principal.userId,
      });
    });
    return { key, token };
  }

  private async createOnce<T extends object>(conflictMessage: string, work: (em: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await auditedTransaction(this.em, this.access, work);
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) throw ApiError.conflict(conflictMessage);
      throw error;
    }
  }
}

export function userRoleOf(user: User): UserRole {
  return parseStoredRole(user.userRole);
}
