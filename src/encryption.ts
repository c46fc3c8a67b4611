// `npm run encryption -- status | migrate | rotate`: the at-rest encryption lifecycle, from the command line.
import 'reflect-metadata';
import { runEncryptionCommand } from './app/runEncryptionCommand';

// stdout carries the report alone (with --json, one JSON document): anything a library prints goes to stderr.
console.log = console.error;
console.info = console.error;

runEncryptionCommand(process.argv.slice(2), process.env, {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`encryption: ${error instanceof Error ? error.name : 'error'}\n`);
    process.exitCode = 1;
  },
);
