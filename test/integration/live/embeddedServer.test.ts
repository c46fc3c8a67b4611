// The compiled server on its own embedded database (PGlite in its process, no DATABASE_URL), as `npm start` runs it:
// a subscription hears a change made over HTTP, and SIGTERM closes the sockets cleanly within the drain time.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startCompiledServer } from '../../support/compiledServer';
import { openLive } from '../../support/liveClient';
import { postGraphql, TEST_MASTER_KEY } from '../../support/testServer';

const START_WITHIN_MS = 90_000;
/** Apollo's drain gives in-flight work 10 s; the sockets are closed at its start. */
const DRAIN_MS = 10_000;

describe('subscriptions on the embedded database of the compiled server', () => {
  it('delivers a change made over HTTP, then closes the socket with 1001 and exits 0 on SIGTERM', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mag-live-'));
    const server = await startCompiledServer(
      { DATA_DIR: dataDir, HOST: '127.0.0.1', LITELLM_MASTER_KEY: TEST_MASTER_KEY, LOG_LEVEL: 'info' },
      { cwd: dataDir, startTimeoutMs: START_WITHIN_MS },
    );
    try {
      const connection = openLive(server.url);
      const changes = connection.subscribe('subscription { modelChanged { action modelId model { litellmParams } } }');
      await connection.acknowledged;
      await new Promise((resolve) => setTimeout(resolve, 250));
      const added = await postGraphql<{ addModel: { id: string } }>(
        server.url,
        'mutation { addModel(input: { modelName: "embedded-live", litellmParams: { model: "openai/gpt-4o", api_key: "sk-embedded-0123456789abcdef" } }) { id } }',
      );
      const { data } = await changes.next(5_000);
      expect(data!.modelChanged).toMatchObject({ action: 'CREATED', modelId: added.data!.addModel.id, model: { litellmParams: { api_key: expect.stringMatching(/^sk-\*+cdef$/) } } });

      const signalledAt = Date.now();
      const exitCode = server.stop('SIGTERM', DRAIN_MS + 5_000);
      const closed = await connection.closed;
      expect(closed.code).toBe(1001);
      expect(Date.now() - signalledAt).toBeLessThan(DRAIN_MS);
      expect(await exitCode).toBe(0);
    } finally {
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
    }
  }, START_WITHIN_MS + 30_000);
});
