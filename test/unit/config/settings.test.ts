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
