// The command line of `npm run encryption`. The new salt key never comes from it: --new-key-env names the variable
// that holds it, and no error message ever repeats an argument, which could be a key typed by mistake.
import { EncryptionCommandError } from './EncryptionCommandError';

export type EncryptionCommand =
  | { command: 'status'; json: boolean }
  | { command: 'migrate'; json: boolean; dryRun: boolean }
  | { command: 'rotate'; json: boolean; dryRun: boolean; newKeyVariable: string }
  | { command: 'help' };

const COMMANDS = ['status', 'migrate', 'rotate'] as const;
const OPTION_NAME = /^--[a-z][a-z-]*$/;
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function parseEncryptionArguments(args: readonly string[]): EncryptionCommand {
  if (args.length === 0) throw EncryptionCommandError.usage('no command given');
  if (args.includes('--help') || args.includes('-h')) return { command: 'help' };
  const [first, ...rest] = args;
  if (!isCommand(first)) throw EncryptionCommandError.usage('the command is none of status, migrate, rotate');
  const command = first;
  let json = false;
  let dryRun = false;
  let newKeyVariable: string | undefined;
  for (let index = 0; index < rest.length; index += 1) {
    const [name, inlineValue] = splitOption(rest[index]);
    if ((name === '--json' || name === '--dry-run') && inlineValue !== undefined) throw EncryptionCommandError.usage(`${name} takes no value`);
    if (name === '--json') json = true;
    else if (name === '--dry-run' && command !== 'status') dryRun = true;
    else if (name === '--new-key-env' && command === 'rotate') {
      const value = inlineValue ?? rest[++index];
      if (value === undefined || !VARIABLE_NAME.test(value)) {
        throw EncryptionCommandError.usage('--new-key-env takes the name of an environment variable (letters, digits and _), which holds the new key; never the key itself');
      }
      newKeyVariable = value;
    } else if (name === '--new-key' || name === '--key' || name === '--new-salt-key') {
      throw EncryptionCommandError.usage(`${name} does not exist: the new salt key is read from the environment variable that --new-key-env names, never from the command line`);
    } else {
      throw EncryptionCommandError.usage(OPTION_NAME.test(name) ? `${command} has no option ${name}` : `an unexpected argument was given to ${command} (not shown)`);
    }
  }
  if (command === 'status') return { command, json };
  if (command === 'migrate') return { command, json, dryRun };
  if (!newKeyVariable) throw EncryptionCommandError.usage('rotate needs --new-key-env NAME: the environment variable holding the new salt key');
  return { command, json, dryRun, newKeyVariable };
}

function isCommand(argument: string): argument is (typeof COMMANDS)[number] {
  return (COMMANDS as readonly string[]).includes(argument);
}

/** `--name=value` as [name, value]; anything else as [argument]. */
function splitOption(argument: string): [string, string?] {
  const equals = argument.indexOf('=');
  return argument.startsWith('--') && equals > 0 ? [argument.slice(0, equals), argument.slice(equals + 1)] : [argument];
}
