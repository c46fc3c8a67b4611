// With no LITELLM_MASTER_KEY on the embedded database, the server makes one at first start and keeps it
// beside the data (mode 0600), so the quick start needs no setup.
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const MASTER_KEY_FILE_NAME = 'master-key';

export interface StoredMasterKey {
  key: string;
  file: string;
  /** True when this call generated it (print it once). */
  generated: boolean;
}

export function generateMasterKey(): string {
  return `sk-${randomBytes(32).toString('base64url')}`;
}

export function loadOrCreateMasterKey(dataDir: string): StoredMasterKey {
  const file = path.join(dataDir, MASTER_KEY_FILE_NAME);
  try {
    const key = readFileSync(file, 'utf8').trim();
    if (key) return { key, file, generated: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dataDir, { recursive: true });
  const key = generateMasterKey();
  writeFileSync(file, `${key}\n`, { mode: 0o600, flag: 'w' });
  // `mode` only applies to a new file: an existing empty one keeps its permissions unless changed here.
  chmodSync(file, 0o600);
  return { key, file, generated: true };
}
