import { RequestDeadlineExceeded } from '../../../src/errors/RequestDeadlineExceeded';
import { RequestDeadlineSubscriber, runWithDeadline } from '../../../src/request/RequestDeadline';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const subscriber = new RequestDeadlineSubscriber();
const transaction = {};
const commit = async (work: () => Promise<unknown> = async () => undefined) => {
  await subscriber.beforeTransactionCommit({ transaction } as never);
  await work();
  await subscriber.afterTransactionCommit({ transaction } as never);
};

describe('runWithDeadline', () => {
  it('returns the result of work that finishes in time', async () => {
    expect(await runWithDeadline(1_000, async () => 'done')).toEqual({ timedOut: false, value: 'done' });
  });

  it('reports a timeout for work still running at the deadline', async () => {
    const work = sleep(200).then(() => 'late');
    expect(await runWithDeadline(10, () => work)).toEqual({ timedOut: true });
    await work;
  });

  it('refuses a commit attempted after the deadline, so its transaction rolls back', async () => {
    let refused: unknown;
    const outcome = await runWithDeadline(10, async () => {
      await sleep(50);
      await commit().catch((error: unknown) => (refused = error));
    });
    expect(outcome).toEqual({ timedOut: true });
    await sleep(100);
    expect(refused).toBeInstanceOf(RequestDeadlineExceeded);
  });

  it('lets a commit already under way at the deadline finish, and reports its result', async () => {
    const outcome = await runWithDeadline(20, async () => {
      await commit(() => sleep(100));
      return 'committed';
    });
    expect(outcome).toEqual({ timedOut: false, value: 'committed' });
  });

  it('holds no commit outside a request to any deadline', async () => {
    await expect(commit()).resolves.toBeUndefined();
  });
});
