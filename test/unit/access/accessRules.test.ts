// The access rules as a table mirroring SPEC.md's "Who may do what": one column per kind of caller.
import { allowsCaller, AuthRule, RULES } from '../../../src/access/accessRules';
import type { AuthenticatedPrincipal } from '../../../src/access/Principal';
import { scopeAllows, UNDETERMINED_TEAM, type OwnerTeam } from '../../../src/access/TeamScope';
import { UserRole } from '../../../src/access/UserRole';

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

/** May this caller reach a row of `owner` under `rule`? */
const allowsTeam = (rule: AuthRule, caller: AuthenticatedPrincipal, owner: OwnerTeam) => scopeAllows(RULES[rule].scope(caller), owner);
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
    check: (p) => allowsCaller(p, AuthRule.MODEL_MANAGER),
    yes: ['proxyAdmin', 'teamAdmin', 'otherTeamAdmin'],
  },
  { name: 'MODEL_MANAGER on a model with no team', check: (p) => allowsTeam(AuthRule.MODEL_MANAGER, p, null), yes: ['proxyAdmin'] },
  { name: 'MODEL_MANAGER on a model of team T', check: (p) => allowsTeam(AuthRule.MODEL_MANAGER, p, T), yes: ['proxyAdmin', 'teamAdmin'] },
  { name: 'TEAM_MEMBER may be called', check: (p) => allowsCaller(p, AuthRule.TEAM_MEMBER), yes: COLUMNS },
  {
    name: 'TEAM_MEMBER (litellmParams) of a model of team T',
    check: (p) => allowsTeam(AuthRule.TEAM_MEMBER, p, T),
    yes: ['proxyAdmin', 'viewer', 'teamAdmin', 'teamMember', 'viewerTeamAdmin', 'internalViewerTeamAdmin'],
  },
  {
    name: 'TEAM_MEMBER (litellmParams) of a model with no team',
    check: (p) => allowsTeam(AuthRule.TEAM_MEMBER, p, null),
    yes: ['proxyAdmin', 'viewer', 'viewerTeamAdmin'],
  },
  {
    name: 'AUDIT_READER may be called',
    check: (p) => allowsCaller(p, AuthRule.AUDIT_READER),
    yes: ['proxyAdmin', 'viewer', 'teamAdmin', 'otherTeamAdmin', 'viewerTeamAdmin', 'internalViewerTeamAdmin'],
  },
  {
    name: 'AUDIT_READER on entries of a model of team T',
    check: (p) => allowsTeam(AuthRule.AUDIT_READER, p, T),
    yes: ['proxyAdmin', 'viewer', 'teamAdmin', 'viewerTeamAdmin', 'internalViewerTeamAdmin'],
  },
  {
    name: 'AUDIT_READER on entries of a model with no team',
    check: (p) => allowsTeam(AuthRule.AUDIT_READER, p, null),
    yes: ['proxyAdmin', 'viewer', 'viewerTeamAdmin'],
  },
  { name: 'seeing a model with no team', check: (p) => allowsTeam(AuthRule.MODEL_VIEWER, p, null), yes: COLUMNS },
  {
    name: 'seeing a model of team T',
    check: (p) => allowsTeam(AuthRule.MODEL_VIEWER, p, T),
    yes: ['proxyAdmin', 'viewer', 'teamAdmin', 'teamMember', 'viewerTeamAdmin', 'internalViewerTeamAdmin'],
  },
  // A model whose team cannot be determined is for proxy admins and viewers only, and changed by no one.
  {
    name: 'seeing a model whose team cannot be determined',
    check: (p) => allowsTeam(AuthRule.MODEL_VIEWER, p, UNDETERMINED_TEAM),
    yes: ['proxyAdmin', 'viewer', 'viewerTeamAdmin'],
  },
  { name: 'MODEL_MANAGER on a model whose team cannot be determined', check: (p) => allowsTeam(AuthRule.MODEL_MANAGER, p, UNDETERMINED_TEAM), yes: ['proxyAdmin'] },
  {
    name: 'AUDIT_READER on entries of a model whose team cannot be determined',
    check: (p) => allowsTeam(AuthRule.AUDIT_READER, p, UNDETERMINED_TEAM),
    yes: ['proxyAdmin', 'viewer', 'viewerTeamAdmin'],
  },
];

const CELLS = ROWS.flatMap((row) => COLUMNS.map((caller) => ({ row: row.name, caller, check: row.check, expected: row.yes.includes(caller) })));

describe('the access rules', () => {
  it.each(CELLS)('$row: $caller → $expected', ({ caller, check, expected }) => {
    expect(check(CALLERS[caller])).toBe(expected);
  });

  it('AUTHENTICATED allows every key and every team', () => {
    for (const caller of COLUMNS) {
      expect(allowsCaller(CALLERS[caller], AuthRule.AUTHENTICATED)).toBe(true);
      expect(allowsTeam(AuthRule.AUTHENTICATED, CALLERS[caller], T)).toBe(true);
    }
  });

  it('a team admin whose key has no team manages nothing', () => {
    const adminWithoutTeamKey = principal(UserRole.INTERNAL_USER, null, true);
    expect(allowsCaller(adminWithoutTeamKey, AuthRule.MODEL_MANAGER)).toBe(false);
    expect(allowsTeam(AuthRule.MODEL_MANAGER, adminWithoutTeamKey, null)).toBe(false);
  });
});
