// Reading a team's members_with_roles, which the proxy stores as a JSON list (or a string of one).
import type { Team, TeamMember } from '../database/entities/Team';

export function teamMembers(team: Team): TeamMember[] {
  const members = team.membersWithRoles;
  return Array.isArray(members) ? members.filter(isMemberEntry) : [];
}

function isMemberEntry(value: unknown): value is TeamMember {
  return typeof value === 'object' && value !== null && 'role' in value;
}

export function isTeamAdmin(team: Team, userId: string): boolean {
  return teamMembers(team).some((member) => member.user_id === userId && member.role === 'admin');
}

export function isTeamMember(team: Team, userId: string): boolean {
  return teamMembers(team).some((member) => member.user_id === userId) || (team.members ?? []).includes(userId);
}
