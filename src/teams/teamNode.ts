// Maps a stored team (a read row or the entity just written) to its GraphQL shape.
import { teamMembers } from './teamMembership';
import type { TeamRow } from './TeamRepository';
import { TeamMemberRole, TeamNode } from './team.type';

/** A read row, or the entity just written. */
type StoredTeam = Pick<TeamRow, 'teamId' | 'membersWithRoles' | 'blocked' | 'createdAt'> & { teamAlias?: string | null; models?: string[] | null };

export function teamNode(team: StoredTeam): TeamNode {
  return Object.assign(new TeamNode(), {
    id: team.teamId,
    alias: team.teamAlias ?? null,
    models: team.models ?? [],
    members: teamMembers(team.membersWithRoles).map((member) => ({
      userId: member.user_id ?? null,
      userEmail: member.user_email ?? null,
      role: member.role === 'admin' ? TeamMemberRole.ADMIN : TeamMemberRole.USER,
    })),
    blocked: team.blocked,
    createdAt: team.createdAt,
  });
}
