import type { AuthenticatedPrincipal } from '../../../src/access/Principal';
import { UserRole } from '../../../src/access/UserRole';
import { actingAs, currentActor, currentRequestId, runInScope } from '../../../src/request/RequestScope';

const principal = (userId: string): AuthenticatedPrincipal => ({
  authenticated: true,
  userId,
  role: UserRole.PROXY_ADMIN,
  teamId: null,
  isTeamAdmin: false,
  keyHash: userId.slice(0, 1).repeat(64),
});
const ALICE = principal('alice');
const BOB = principal('bob');

describe('the acting user of a request scope', () => {
  it('is unset outside actingAs', () => {
    expect(currentActor()).toBeUndefined();
  });

  it('follows the mutation across awaits and timers', async () => {
    const seen = await actingAs(ALICE, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return currentActor();
    });
    expect(seen).toEqual(ALICE);
    expect(currentActor()).toBeUndefined();
  });

  it('keeps concurrent mutations apart', async () => {
    const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const [alice, bob] = await Promise.all([
      actingAs(ALICE, async () => (await later(5), currentActor())),
      actingAs(BOB, async () => (await later(1), currentActor())),
    ]);
    expect(alice).toEqual(ALICE);
    expect(bob).toEqual(BOB);
  });

  it('keeps the id of the request it acts within', async () => {
    const seen = await runInScope({ requestId: 'request-9', startedAt: 0 }, () => actingAs(ALICE, async () => currentRequestId()));
    expect(seen).toBe('request-9');
  });
});
