// Reading a team's members_with_roles, which the proxy stores as a JSON list (or a JSON-encoded string of one).
// Who is a team admin is decided where the caller's key is read (access/KeyRepository), in the same statement.
import type { TeamMember } from '../database/entities/Team';
import { decodeStoredJson } from '../database/types/storedJson';

export function teamMembers(membersWithRoles: unknown): TeamMember[] {
  const members = decodeStoredJson(membersWithRoles);
  return Array.isArray(members) ? members.filter(isMemberEntry) : [];
}

function isMemberEntry(value: unknown): value is TeamMember {
  return typeof value === 'object' && value !== null && 'role' in value;
}

export function isTeamMember(team: { membersWithRoles: unknown; members?: string[] | null }, userId: string): boolean {
  return teamMembers(team.membersWithRoles).some((member) => member.user_id === userId) || (team.members ?? []).includes(userId);
}
