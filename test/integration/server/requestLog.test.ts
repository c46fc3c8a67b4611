// One log line per GraphQL request, read back from the real server's logger: who, what, how long,
// how it ended, and never the key or anything the client sent as variables.
import { REQUEST_LOG_MESSAGE, type RequestLogLine } from '../../../src/server/requestLog';
import { captureLog, serverForEachFile, TEST_MASTER_KEY } from '../../support/testServer';

type LoggedLine = RequestLogLine & { msg: string; level: number };

const SECRET_VARIABLE = 'sk-secret-in-variables-9f8e7d';

describe('the request log', () => {
  const log = captureLog('info');
  const handle = serverForEachFile('pglite', undefined, { log });

  function requestLines(): LoggedLine[] {
    return (log.lines() as LoggedLine[]).filter((line) => line.msg === REQUEST_LOG_MESSAGE);
  }

  async function post(body: string, headers: Record<string, string>): Promise<{ requestId: string; line: LoggedLine }> {
    const response = await fetch(`${handle.server.url}/graphql`, { method: 'POST', headers, body });
    await response.text();
    const requestId = response.headers.get('x-request-id')!;
    const lines = requestLines().filter((line) => line.requestId === requestId);
    expect(lines).toHaveLength(1);
    return { requestId, line: lines[0] };
  }

  const json = { 'content-type': 'application/json' };

  it('logs the request id, operation name, caller, duration and ok for a successful operation', async () => {
    const { requestId, line } = await post(JSON.stringify({ query: 'query WhoAmI { me { role } }' }), {
      ...json,
      authorization: `Bearer ${TEST_MASTER_KEY}`,
    });
    expect(line).toEqual({
      level: 30,
      time: expect.any(Number),
      msg: REQUEST_LOG_MESSAGE,
      requestId,
      operationName: 'WhoAmI',
      userId: 'default_user_id',
      durationMs: expect.any(Number),
      outcome: 'ok',
    });
    expect(line.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('keeps the request id the client sent in x-request-id', async () => {
    const { requestId } = await post(JSON.stringify({ query: '{ me { role } }' }), { ...json, 'x-request-id': 'dashboard-42' });
    expect(requestId).toBe('dashboard-42');
  });

  it('logs the error codes of an operation that answered errors, and a null user for an anonymous caller', async () => {
    const { line } = await post(
      JSON.stringify({ query: 'query Broken($secret: String) { nope }', variables: { secret: SECRET_VARIABLE } }),
      { ...json, 'x-litellm-api-key': TEST_MASTER_KEY.replace('master', 'wrong') },
    );
    expect(line).toMatchObject({ operationName: 'Broken', userId: null, outcome: 'error', errorCodes: ['GRAPHQL_VALIDATION_FAILED'] });
  });

  it('logs a body that is not JSON as rejected', async () => {
    const { line } = await post('{"query": ', json);
    expect(line).toMatchObject({ operationName: null, userId: null, outcome: 'rejected', errorCodes: ['BAD_REQUEST'] });
  });

  it('logs a request blocked by CSRF prevention as rejected, with its request id', async () => {
    const { line } = await post(JSON.stringify({ query: '{ me { role } }' }), {
      'content-type': 'text/plain',
      authorization: `Bearer ${TEST_MASTER_KEY}`,
    });
    expect(line).toMatchObject({ outcome: 'rejected', errorCodes: ['BAD_REQUEST'] });
  });

  it('never writes the key or the variables a client sent', () => {
    const everything = log.text();
    expect(everything).toContain('default_user_id');
    expect(everything).not.toContain(TEST_MASTER_KEY);
    expect(everything).not.toContain('sk-test-wrong-key');
    expect(everything).not.toContain(SECRET_VARIABLE);
  });
});
