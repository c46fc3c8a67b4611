// An unexpected failure reaches the client as a generic INTERNAL_SERVER_ERROR, and the server log holds
// the real cause once, under the request's id.
import { randomUUID } from 'node:crypto';
import { INTERNAL_ERROR_MESSAGE, UNEXPECTED_ERROR_LOG_MESSAGE } from '../../../src/server/formatError';
import { TABLES } from '../../../src/database/tables';
import { addModel } from '../../support/fixtures';
import { leakIn, MASTER_KEY_HEADERS, sendRaw } from '../../support/hostileHttp';
import { captureLog, serverForEachFile } from '../../support/testServer';

describe.each([
  ['production', true],
  ['development', false],
])('an internal error in %s', (_mode, production) => {
  const log = captureLog('info');
  const handle = serverForEachFile('pglite', () => ({ production }), { log });

  beforeAll(async () => {
    await addModel(handle.server);
    // The table vanishes under the running server: every read of it now fails inside the database.
    await handle.server.sql(`drop table "${TABLES.proxyModel}" cascade`);
  });

  it('is answered generically and logged once with the request id and the real cause', async () => {
    const requestId = `internal-${randomUUID()}`;
    const response = await sendRaw(`${handle.server.url}/graphql`, {
      body: JSON.stringify({ query: '{ models { totalCount edges { node { id } } } }' }),
      headers: { ...MASTER_KEY_HEADERS, 'x-request-id': requestId },
    });

    expect(response.json?.errors).toEqual([expect.objectContaining({ message: INTERNAL_ERROR_MESSAGE, extensions: { code: 'INTERNAL_SERVER_ERROR' } })]);
    expect(leakIn(response.text)).toBeNull();
    expect(response.text).not.toContain(TABLES.proxyModel);

    const errorLines = log.lines().filter((line) => line.requestId === requestId && line.level >= 50);
    expect(errorLines).toHaveLength(1);
    expect(errorLines[0].msg).toBe(UNEXPECTED_ERROR_LOG_MESSAGE);
    expect(errorLines[0].err.message).toContain(`"${TABLES.proxyModel}" does not exist`);
    expect(errorLines[0].err.stack).toBeDefined();
  });

  it('leaves the server answering what does not touch the broken table', async () => {
    expect((await handle.server.graphql('{ me { userId } }')).data).toEqual({ me: { userId: 'default_user_id' } });
    expect((await fetch(`${handle.server.url}/healthz`)).status).toBe(200);
  });
});
