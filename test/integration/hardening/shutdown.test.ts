// SIGTERM to the compiled server while requests are in flight: each request completes or fails cleanly,
// the process exits 0 within a bound, and what it acknowledged is there after a restart.
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startCompiledServer } from '../../support/compiledServer';
import { leakIn, MASTER_KEY_HEADERS } from '../../support/hostileHttp';
import { TEST_MASTER_KEY } from '../../support/testServer';

const IN_FLIGHT_REQUESTS = 30;
const EXIT_WITHIN_MS = 15_000;
const START_WITHIN_MS = 90_000;

/** `node dist/src/main.js` in production mode on the embedded database in `dataDir`, once it listens. */
function startProductionServer(dataDir: string) {
  const settings = { DATA_DIR: dataDir, HOST: '127.0.0.1', LITELLM_MASTER_KEY: TEST_MASTER_KEY, LOG_LEVEL: 'info', NODE_ENV: 'production' };
  return startCompiledServer(settings, { cwd: dataDir, startTimeoutMs: START_WITHIN_MS });
}

describe('graceful shutdown of the compiled server', () => {
  let dataDir: string;

  beforeAll(() => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'mag-shutdown-'));
  });

  it(`finishes or cleanly fails ${IN_FLIGHT_REQUESTS} in-flight requests on SIGTERM, exits 0 within ${EXIT_WITHIN_MS / 1000} s, and keeps what it acknowledged`, async () => {
    const server = await startProductionServer(dataDir);
    const ids = Array.from({ length: IN_FLIGHT_REQUESTS }, () => `shutdown-${randomUUID()}`);
    const requests = ids.map(async (id) => {
      try {
        const response = await fetch(`${server.url}/graphql`, {
          method: 'POST',
          headers: MASTER_KEY_HEADERS,
          body: JSON.stringify({
            query: 'mutation ($input: AddModelInput!) { addModel(input: $input) { id } }',
            variables: { input: { modelName: `m-${id}`, litellmParams: { model: 'x/y', api_key: 'sk-shutdown-secret' }, modelInfo: { id } } },
          }),
        });
        // A response that started must arrive whole: its body is complete JSON.
        const text = await response.text();
        expect(leakIn(text)).toBeNull();
        const body = JSON.parse(text) as { data?: { addModel?: { id: string } } | null };
        return { id, status: response.status, acknowledged: body.data?.addModel?.id === id };
      } catch (error) {
        // Refused before a response began (the server had stopped accepting): the client can retry safely.
        return { id, status: 0, acknowledged: false, error: String((error as Error).cause ?? error) };
      }
    });

    // Let the first requests reach the server, then ask it to stop while the rest are still in flight.
    await new Promise((resolve) => setTimeout(resolve, 150));
    const signalledAt = Date.now();
    server.child.kill('SIGTERM');
    const outcomes = await Promise.all(requests);
    let giveUp: NodeJS.Timeout | undefined;
    const exit = await Promise.race([server.exited, new Promise<null>((resolve) => (giveUp = setTimeout(() => resolve(null), EXIT_WITHIN_MS + 5_000)))]);
    clearTimeout(giveUp);

    expect(exit).not.toBeNull();
    expect({ code: exit!.code, signal: exit!.signal }).toEqual({ code: 0, signal: null });
    expect(exit!.at - signalledAt).toBeLessThan(EXIT_WITHIN_MS);
    for (const outcome of outcomes) {
      if (outcome.status !== 0) expect({ id: outcome.id, status: outcome.status, acknowledged: outcome.acknowledged }).toEqual({ id: outcome.id, status: 200, acknowledged: true });
    }
    const acknowledged = outcomes.filter((outcome) => outcome.acknowledged).map((outcome) => outcome.id);
    expect(acknowledged.length).toBeGreaterThan(0);

    // Restarted on the same data directory: everything acknowledged is there, each with its audit row.
    const restarted = await startProductionServer(dataDir);
    try {
      const response = await fetch(`${restarted.url}/graphql`, {
        method: 'POST',
        headers: MASTER_KEY_HEADERS,
        body: JSON.stringify({ query: '{ models(first: 100) { edges { node { id auditLogs { action } } } } }' }),
      });
      const body = (await response.json()) as { data: { models: { edges: { node: { id: string; auditLogs: { action: string }[] } }[] } } };
      const stored = new Map(body.data.models.edges.map((edge) => [edge.node.id, edge.node.auditLogs.map((entry) => entry.action)]));
      for (const id of acknowledged) expect({ id, audit: stored.get(id) }).toEqual({ id, audit: ['CREATED'] });
      for (const [id, audit] of stored) expect({ id, audit }).toEqual({ id, audit: ['CREATED'] });
    } finally {
      restarted.child.kill('SIGTERM');
      const second = await restarted.exited;
      expect(second.code).toBe(0);
    }
  }, START_WITHIN_MS * 2 + 60_000);
});
