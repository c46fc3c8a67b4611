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
