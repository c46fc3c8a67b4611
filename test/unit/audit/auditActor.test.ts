import { currentAuditActor, runAsActor } from '../../../src/audit/auditActor';

const ALICE = { userId: 'alice', keyHash: 'a'.repeat(64) };
const BOB = { userId: 'bob', keyHash: 'b'.repeat(64) };

describe('the audit actor', () => {
  it('is unset outside runAsActor', () => {
    expect(currentAuditActor()).toBeUndefined();
  });

  it('follows the mutation across awaits and timers', async () => {
    const seen = await runAsActor(ALICE, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return currentAuditActor();
    });
    expect(seen).toEqual(ALICE);
    expect(currentAuditActor()).toBeUndefined();
  });

  it('keeps concurrent mutations apart', async () => {
    const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const [alice, bob] = await Promise.all([
      runAsActor(ALICE, async () => (await later(5), currentAuditActor())),
      runAsActor(BOB, async () => (await later(1), currentAuditActor())),
    ]);
    expect(alice).toEqual(ALICE);
    expect(bob).toEqual(BOB);
  });
});
