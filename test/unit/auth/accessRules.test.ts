// The access rules as a table mirroring SPEC.md's "Who may do what": one column per kind of caller.
import { AuthRule, RULES, canSeeModelOfTeam } from '../../../src/auth/accessRules';
import type { AuthenticatedPrincipal } from '../../../src/auth/Principal';
import { UserRole } from '../../../src/auth/UserRole';

const T = 'team-t';
const U = 'team-u';

function principal(role: UserRole, teamId: string | null = null, isTeamAdmin = false): AuthenticatedPrincipal {
  return { authenticated: true, userId: `user-${role}`, role, teamId, isTeamAdmin, keyHash: 'hash' };
}

const CALLERS = {
  proxyAdmin: principal(UserRole.PROXY_ADMIN),
  viewer: principal(UserRole.PROXY_ADMIN_VIEWER),
  teamAdmin: principal(UserRole.INTERNAL_USER, T, true),
  teamMember: principal(UserRole.INTERNAL_USER, T),
  noTeam: principal(UserRole.INTERNAL_USER),
  otherTeamAdmin: principal(UserRole.INTERNAL_USER, U, true),
  // Viewer roles never mutate, even where they administer a team.
  viewerTeamAdmin: principal(UserRole.PROXY_ADMIN_VIEWER, T, true),
  internalViewerTeamAdmin: principal(UserRole.INTERNAL_USER_VIEWER, T, true),
};
type Caller = keyof typeof CALLERS;
const COLUMNS = Object.keys(CALLERS) as Caller[];

/** One row of the matrix: `yes` lists the callers allowed, every other column is refused. */
interface Row {
  name: string;
  check(principal: AuthenticatedPrincipal): boolean;
  yes: Caller[];
}

const ROWS: Row[] = [
  {
    name: 'MODEL_MANAGER may be called',
    check: (p) => RULES[AuthRule.MODEL_MANAGER].allowsCaller(p),
    yes: ['proxyAdmin', 'teamAdmin', 'otherTeamAdmin'],
  },
  { name: 'MODEL_MANAGER on a model with no team', check: (p) => RULES[AuthRule.MODEL_MANAGER].allowsTeam(p, null), yes: ['proxyAdmin'] },
  { name: 'MODEL_MANAGER on a model of team T', check: (p) => RULES[AuthRule.MODEL_MANAGER].allowsTeam(p, T), yes: ['proxyAdmin', 'teamAdmin'] },
  { name: 'TEAM_MEMBER may be called', check: (p) => RULES[AuthRule.TEAM_MEMBER].allowsCaller(p), yes: COLUMNS },
  {
    name: 'TEAM_MEMBER (litellmParams) of a model of team T',
    check: (p) => RULES[AuthRule.TEAM_MEMBER].allowsTeam(p, T),
    yes: ['proxyAdmin', 'viewer', 'teamAdmin', 'teamMember', 'viewerTeamAdmin', 'internalViewerTeamAdmin'],
  },
  {
    name: 'TEAM_MEMBER (litellmParams) of a model with no team',
    check: (p) => RULES[AuthRule.TEAM_MEMBER].allowsTeam(p, null),
    yes: ['proxyAdmin', 'viewer', 'viewerTeamAdmin'],
  },
  {
    name: 'AUDIT_READER may be called',
    check: (p) => RULES[AuthRule.AUDIT_READER].allowsCaller(p),
    yes: ['proxyAdmin', 'viewer', 'teamAdmin', 'otherTeamAdmin', 'viewerTeamAdmin', 'internalViewerTeamAdmin'],
  },
  {
    name: 'AUDIT_READER on entries of a model of team T',
    check: (p) => RULES[AuthRule.AUDIT_READER].allowsTeam(p, T),
    yes: ['proxyAdmin', 'viewer', 'teamAdmin', 'viewerTeamAdmin', 'internalViewerTeamAdmin'],
  },
  {
    name: 'AUDIT_READER on entries of a model with no team',
    check: (p) => RULES[AuthRule.AUDIT_READER].allowsTeam(p, null),
    yes: ['proxyAdmin', 'viewer', 'viewerTeamAdmin'],
  },
  { name: 'seeing a model with no team', check: (p) => canSeeModelOfTeam(p, null), yes: COLUMNS },
  {
    name: 'seeing a model of team T',
    check: (p) => canSeeModelOfTeam(p, T),
    yes: ['proxyAdmin', 'viewer', 'teamAdmin', 'teamMember', 'viewerTeamAdmin', 'internalViewerTeamAdmin'],
  },
];

const CELLS = ROWS.flatMap((row) => COLUMNS.map((caller) => ({ row: row.name, caller, check: row.check, expected: row.yes.includes(caller) })));

describe('the access rules', () => {
  it.each(CELLS)('$row: $caller → $expected', ({ caller, check, expected }) => {
    expect(check(CALLERS[caller])).toBe(expected);
  });

  it('AUTHENTICATED allows every key and every team', () => {
    for (const caller of COLUMNS) {
      expect(RULES[AuthRule.AUTHENTICATED].allowsCaller(CALLERS[caller])).toBe(true);
      expect(RULES[AuthRule.AUTHENTICATED].allowsTeam(CALLERS[caller], T)).toBe(true);
    }
  });

  it('a team admin whose key has no team manages nothing', () => {
    const adminWithoutTeamKey = principal(UserRole.INTERNAL_USER, null, true);
    expect(RULES[AuthRule.MODEL_MANAGER].allowsCaller(adminWithoutTeamKey)).toBe(false);
    expect(RULES[AuthRule.MODEL_MANAGER].allowsTeam(adminWithoutTeamKey, null)).toBe(false);
  });
});
