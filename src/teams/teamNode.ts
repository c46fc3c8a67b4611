// Maps a stored team to its GraphQL shape.
import { teamMembers } from '../auth/teamMembership';
import type { Team } from '../database/entities/Team';
import { TeamMemberRole, type TeamNode } from './team.type';

export function teamNode(team: Team): TeamNode {
  return {
    id: team.teamId,
    alias: team.teamAlias ?? null,
    models: team.models ?? [],
    members: teamMembers(team).map((member) => ({
      userId: member.user_id ?? null,
      userEmail: member.user_email ?? null,
      role: member.role === 'admin' ? TeamMemberRole.ADMIN : TeamMemberRole.USER,
    })),
    blocked: team.blocked,
    createdAt: team.createdAt,
  };
}
