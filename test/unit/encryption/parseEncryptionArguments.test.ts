// The command line of npm run encryption: the new key is only ever named, and no error repeats an argument.
import { EncryptionCommandError } from '../../../src/encryption/EncryptionCommandError';
import { parseEncryptionArguments } from '../../../src/encryption/parseEncryptionArguments';

function usageError(args: string[]): EncryptionCommandError {
  try {
    parseEncryptionArguments(args);
  } catch (error) {
    if (error instanceof EncryptionCommandError) return error;
    throw error;
  }
  throw new Error('no error');
}

describe('parseEncryptionArguments', () => {
  it('reads each command and its options', () => {
    expect(parseEncryptionArguments(['status'])).toEqual({ command: 'status', json: false });
    expect(parseEncryptionArguments(['status', '--json'])).toEqual({ command: 'status', json: true });
    expect(parseEncryptionArguments(['migrate', '--dry-run'])).toEqual({ command: 'migrate', json: false, dryRun: true });
    expect(parseEncryptionArguments(['rotate', '--new-key-env', 'NEW_SALT_KEY', '--json'])).toEqual({ command: 'rotate', json: true, dryRun: false, newKeyVariable: 'NEW_SALT_KEY' });
    expect(parseEncryptionArguments(['rotate', '--dry-run', '--new-key-env=NEW_SALT_KEY'])).toEqual({ command: 'rotate', json: false, dryRun: true, newKeyVariable: 'NEW_SALT_KEY' });
    expect(parseEncryptionArguments(['rotate', '--help'])).toEqual({ command: 'help' });
  });

  it('refuses a rotation without --new-key-env', () => {
    expect(usageError(['rotate']).message).toContain('rotate needs --new-key-env NAME');
  });

  it.each([
    [['rotate', '--new-key', 'sk-typed-on-the-command-line'], 'never from the command line'],
    [['rotate', '--new-key=sk-typed-on-the-command-line'], 'never from the command line'],
    [['rotate', '--new-key-env', 'sk-typed-on-the-command-line'], 'never the key itself'],
    [['rotate', '--new-key-env=sk-typed-on-the-command-line'], 'never the key itself'],
    [['rotate', '--new-key-env', 'NEW', 'sk-typed-on-the-command-line'], 'not shown'],
    [['migrate', '--key-is=sk-typed-on-the-command-line'], 'has no option --key-is'],
    [['sk-typed-on-the-command-line'], 'none of status, migrate, rotate'],
  ])('refuses %j without repeating the value', (args, reason) => {
    const error = usageError(args);
    expect(error.code).toBe('USAGE');
    expect(error.message).toContain(reason);
    expect(error.message).not.toContain('sk-typed-on-the-command-line');
  });

  it('refuses options a command does not have, and values given to flags', () => {
    expect(usageError(['status', '--dry-run']).message).toContain('status has no option --dry-run');
    expect(usageError(['migrate', '--new-key-env', 'X']).message).toContain('migrate has no option --new-key-env');
    expect(usageError(['status', '--json=yes']).message).toContain('--json takes no value');
    expect(usageError([]).message).toContain('no command given');
  });
});
