// After the last test file: the workers' PGlites stopped, and one line for each part of the suite this
// machine could not run, saying how to run it.
import { rmSync } from 'node:fs';
import { proxyLibrariesUnavailable } from '../fixtures/proxy-vectors/proxyLibraries';
import { CHROMIUM_INSTALL_COMMAND, chromiumForTests } from './chromium';
import { POSTGRES_TEST_COMMAND } from './testDatabases';
import { RUN_FOLDER_VARIABLE, stopWorkerPglites } from './workerPglite';

export default function jestGlobalTeardown(): void {
  const folder = process.env[RUN_FOLDER_VARIABLE];
  if (folder) {
    stopWorkerPglites(folder);
    rmSync(folder, { recursive: true, force: true });
  }

  const notRun: string[] = [];
  if (!process.env.TEST_DATABASE_URL) {
    notRun.push(`the PostgreSQL half: TEST_DATABASE_URL is unset; to run it: ${POSTGRES_TEST_COMMAND} (PostgreSQL 15+, a user that may CREATE DATABASE)`);
  }
  const chromium = chromiumForTests();
  if (!chromium.available && !chromium.required) {
    notRun.push(`the browser test (test/browser): no Chromium at ${chromium.path}; to run it: ${CHROMIUM_INSTALL_COMMAND} (or CHROMIUM_PATH=<a chromium>) and npm test again`);
  }
  const pythonMissing = proxyLibrariesUnavailable();
  if (pythonMissing) {
    notRun.push(`the checks that the proxy's own Python libraries decrypt what this API writes: ${pythonMissing}; to run them: apt-get install -y python3-cryptography python3-nacl and npm test again`);
  }
  if (notRun.length > 0) console.log(`\nNot run on this machine:\n${notRun.map((line) => `  - ${line}`).join('\n')}\n`);
}
