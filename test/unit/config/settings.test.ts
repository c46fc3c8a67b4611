import { loadSettings } from '../../../src/config/settings';
import { StartupError } from '../../../src/errors/StartupError';

describe('loadSettings: GraphiQL', () => {
  it('serves GraphiQL by default', () => {
    expect(loadSettings({}).graphiql).toBe(true);
  });

  it('turns it off with GRAPHIQL=false', () => {
    expect(loadSettings({ GRAPHIQL: 'false' }).graphiql).toBe(false);
    expect(loadSettings({ GRAPHIQL: '0' }).graphiql).toBe(false);
  });

  it('never serves it in production, even when GRAPHIQL=true', () => {
    expect(loadSettings({ NODE_ENV: 'production', GRAPHIQL: 'true' }).graphiql).toBe(false);
  });

  it('refuses a GRAPHIQL value that is not a boolean', () => {
    expect(() => loadSettings({ GRAPHIQL: 'maybe' })).toThrow(StartupError);
    expect(() => loadSettings({ GRAPHIQL: 'maybe' })).toThrow('GRAPHIQL: "maybe" is not true or false');
  });
});

describe('loadSettings: REQUEST_TIMEOUT_MS', () => {
  it('defaults to 30 seconds', () => {
    expect(loadSettings({}).requestTimeoutMs).toBe(30_000);
  });

  it('reads a positive whole number of milliseconds', () => {
    expect(loadSettings({ REQUEST_TIMEOUT_MS: '1500' }).requestTimeoutMs).toBe(1500);
  });

  it.each(['0', '-1', '1.5', 'soon'])('refuses %s', (value) => {
    expect(() => loadSettings({ REQUEST_TIMEOUT_MS: value })).toThrow(StartupError);
  });
});
