import { Writable } from 'node:stream';
import { StartupError } from '../../../src/errors/StartupError';
import { createLogger } from '../../../src/server/logger';
import { runInRequestScope } from '../../../src/server/requestLog';

function capture(): { destination: Writable; text(): string } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  return { destination, text: () => chunks.join('') };
}

describe('createLogger', () => {
  it('writes one JSON object per line at or above LOG_LEVEL', () => {
    const { destination, text } = capture();
    const logger = createLogger('warn', destination);
    logger.info('hidden');
    logger.warn({ requestId: 'r1' }, 'shown');
    expect(text().trim().split('\n').map((line) => JSON.parse(line) as unknown)).toEqual([
      { level: 40, time: expect.any(Number), requestId: 'r1', msg: 'shown' },
    ]);
  });

  it('adds the request id to every line written while a request is handled', async () => {
    const { destination, text } = capture();
    const logger = createLogger('info', destination);
    await runInRequestScope('request-7', async () => logger.error({ err: new Error('boom') }, 'unexpected error'));
    logger.info('outside any request');
    const [inside, outside] = text().trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(inside).toMatchObject({ requestId: 'request-7', msg: 'unexpected error' });
    expect(outside).not.toHaveProperty('requestId');
  });

  it('refuses an unknown LOG_LEVEL with a message naming the setting', () => {
    expect(() => createLogger('chatty')).toThrow(StartupError);
    expect(() => createLogger('chatty')).toThrow(/^LOG_LEVEL: "chatty" is not one of/);
  });

  it('accepts silent', () => {
    expect(createLogger('silent').level).toBe('silent');
  });
});

describe('serializeError: errors in log lines', () => {
  const SECRET = 'sk-serialized-secret-0123456789';
  const STATEMENT = `insert into "LiteLLM_ProxyModelTable" ("litellm_params") values ('{"api_key":"${SECRET}"}') - duplicate key value violates unique constraint "pkey"`;

  function loggedLine(log: (logger: ReturnType<typeof createLogger>) => void): Record<string, any> {
    const { destination, text } = capture();
    log(createLogger('info', destination));
    return JSON.parse(text().trim()) as Record<string, any>;
  }

  it('keeps the class, message and stack frames of an ordinary error', () => {
    const line = loggedLine((logger) => logger.error({ err: new TypeError('cannot read x') }, 'failed'));
    expect(line.err).toMatchObject({ type: 'TypeError', message: 'cannot read x' });
    expect(line.err.stack).toMatch(/^TypeError: cannot read x\n\s+at /);
  });

  it("keeps a system error's code, syscall, address and port, and nothing else it carries", () => {
    const error = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED', syscall: 'connect', address: '127.0.0.1', port: 5432, query: `select '${SECRET}'`, parameters: [SECRET] });
    const { err } = loggedLine((logger) => logger.error({ err: error }, 'failed'));
    expect(err).toEqual({ type: 'Error', message: 'connect ECONNREFUSED 127.0.0.1:5432', code: 'ECONNREFUSED', syscall: 'connect', address: '127.0.0.1', port: 5432, stack: expect.any(String) });
  });

  it('omits a statement embedded in the message of an error wrapping a database error, and in its stack', () => {
    const error = new Error(`Migration M1 (up) failed: Original error: ${STATEMENT}`, { cause: Object.assign(new Error(STATEMENT), { code: '23505', severity: 'ERROR', detail: `Key (x)=(${SECRET})` }) });
    const line = loggedLine((logger) => logger.error({ err: error }, 'migration failed'));
    expect(JSON.stringify(line)).not.toContain(SECRET);
    expect(line.err.message).toBe('Migration M1 (up) failed: Original error: [statement omitted] - duplicate key value violates unique constraint "pkey"');
    expect(line.err.cause).toMatchObject({ code: '23505', message: 'duplicate key value violates unique constraint "pkey"' });
  });

  it('describes each error of an AggregateError, and stops following causes that loop', () => {
    const looping = new Error('loops');
    (looping as Error & { cause: unknown }).cause = looping;
    const line = loggedLine((logger) => logger.error({ err: new AggregateError([looping, new Error(STATEMENT)], 'all failed') }, 'failed'));
    expect(line.err.errors).toHaveLength(2);
    expect(JSON.stringify(line)).not.toContain(SECRET);
  });

  it('omits a statement from text a library logs (Apollo writes the error into its message)', () => {
    const line = loggedLine((logger) => logger.error(`Unexpected error processing request: DriverException: ${STATEMENT}`));
    expect(line.msg).toBe('Unexpected error processing request: DriverException: [statement omitted] - duplicate key value violates unique constraint "pkey"');
  });

  it('describes an error logged as the only argument too', () => {
    const line = loggedLine((logger) => logger.error(Object.assign(new Error(STATEMENT), { code: '23505', severity: 'ERROR' })));
    expect(JSON.stringify(line)).not.toContain(SECRET);
    expect(line.err.code).toBe('23505');
  });
});
