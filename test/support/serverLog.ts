// The server's log, captured as the JSON lines it writes, for tests that check what it logs.
import { Writable } from 'node:stream';
import * as loggerModule from '../../src/server/logger';

export interface CapturedLog {
  /** Everything written so far, as written. */
  text(): string;
  lines(): Record<string, any>[];
}

/**
 * Makes the next servers started by startTestServer log JSON here (the spy stays until jest.restoreAllMocks()).
 * Call before startTestServer.
 */
export function captureServerLog(level = 'info'): CapturedLog {
  const output: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      output.push(chunk.toString('utf8'));
      done();
    },
  });
  jest.spyOn(loggerModule, 'createLogger').mockReturnValue(loggerModule.createLogger(level, destination));
  return {
    text: () => output.join(''),
    lines: () =>
      output
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, any>),
  };
}
