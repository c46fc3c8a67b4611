import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { baselineCompilerOnly, databaseBytes, OPTIMIZED_FROM_DATABASE_MB } from '../../../../src/database/embedded/pgliteSettings';

const MIB = 1024 * 1024;

describe('baselineCompilerOnly: which compiler runs the embedded PostgreSQL follows the size of its database', () => {
  it('a new or small database runs on the baseline compiler alone', () => {
    expect(baselineCompilerOnly(0)).toBe(true);
    expect(baselineCompilerOnly(9 * MIB)).toBe(true);
    expect(baselineCompilerOnly(OPTIMIZED_FROM_DATABASE_MB * MIB - 1)).toBe(true);
  });

  it(`a database of ${OPTIMIZED_FROM_DATABASE_MB} MB or more is optimized by TurboFan`, () => {
    expect(baselineCompilerOnly(OPTIMIZED_FROM_DATABASE_MB * MIB)).toBe(false);
    expect(baselineCompilerOnly(10_000 * MIB)).toBe(false);
  });
});

describe('databaseBytes', () => {
  const storage = mkdtempSync(path.join(os.tmpdir(), 'mag-database-bytes-'));
  afterAll(() => rmSync(storage, { recursive: true, force: true }));

  function writeDatabase(oid: string, fileSizes: number[]) {
    mkdirSync(path.join(storage, 'base', oid), { recursive: true });
    fileSizes.forEach((size, index) => writeFileSync(path.join(storage, 'base', oid, String(16384 + index)), Buffer.alloc(size)));
  }

  it("is the size of the largest database's files: the server's own, not initdb's templates", () => {
    writeDatabase('1', [4000, 3000]);
    writeDatabase('4', [5000]);
    writeDatabase('5', [6000, 2000, 500]);
    writeFileSync(path.join(storage, 'base', 'not-a-database'), Buffer.alloc(100_000));
    expect(databaseBytes(storage)).toBe(8500);
  });

  it('fails on a data directory without base/ (the caller reports it as unusable)', () => {
    expect(() => databaseBytes(path.join(storage, 'missing'))).toThrow(/ENOENT/);
  });
});
