// Before any test file: the run folder where each jest worker registers the PGlite it starts (workerPglite.ts).
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RUN_FOLDER_VARIABLE, RUN_PID_VARIABLE } from './workerPglite';

export default function jestGlobalSetup(): void {
  // Workers are started after this and inherit the environment.
  process.env[RUN_FOLDER_VARIABLE] = mkdtempSync(path.join(os.tmpdir(), 'mag-test-run-'));
  process.env[RUN_PID_VARIABLE] = String(process.pid);
}
