// The embedded database's generated master key: made once, kept, readable by its owner only.
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadOrCreateMasterKey, MASTER_KEY_FILE_NAME } from '../../../src/access/masterKeyFile';

const newDataDir = () => mkdtempSync(path.join(os.tmpdir(), 'mag-key-'));
const modeOf = (file: string) => statSync(file).mode & 0o777;

describe('loadOrCreateMasterKey', () => {
  it('generates an sk- key once, stores it with mode 0600, and returns the same key afterwards', () => {
    const dataDir = newDataDir();
    const first = loadOrCreateMasterKey(dataDir);
    expect(first).toMatchObject({ generated: true, file: path.join(dataDir, MASTER_KEY_FILE_NAME) });
    expect(first.key).toMatch(/^sk-[A-Za-z0-9_-]{40,}$/);
    expect(modeOf(first.file)).toBe(0o600);
    expect(loadOrCreateMasterKey(dataDir)).toEqual({ ...first, generated: false });
  });

  it('replaces an empty key file and makes it 0600 even when it was readable by others', () => {
    const dataDir = newDataDir();
    const file = path.join(dataDir, MASTER_KEY_FILE_NAME);
    writeFileSync(file, '\n', { mode: 0o644 });
    const stored = loadOrCreateMasterKey(dataDir);
    expect(stored.generated).toBe(true);
    expect(readFileSync(file, 'utf8').trim()).toBe(stored.key);
    expect(modeOf(file)).toBe(0o600);
  });
});
