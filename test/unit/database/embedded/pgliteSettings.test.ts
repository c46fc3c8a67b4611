import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  databaseBytes,
  MAX_SHARED_BUFFERS_MB,
  MIN_SHARED_BUFFERS_MB,
  postgresSettings,
  tuningFor,
} from '../../../../src/database/embedded/pgliteSettings';

const MIB = 1024 * 1024;

describe('tuningFor: the embedded PostgreSQL follows the size of its database', () => {
  it('a new or small database gets the smallest pool and only the baseline WebAssembly compiler', () => {
    expect(tuningFor(0)).toEqual({ sharedBuffersMB: MIN_SHARED_BUFFERS_MB, baselineCompilerOnly: true });
    expect(tuningFor(9 * MIB)).toEqual({ sharedBuffersMB: 16, baselineCompilerOnly: true });
    expect(tuningFor(16 * MIB - 1)).toEqual({ sharedBuffersMB: 16, baselineCompilerOnly: true });
  });

  it('a larger database gets a pool with room for all of it, in 16 MB steps, and the optimizing compiler', () => {
    expect(tuningFor(16 * MIB)).toEqual({ sharedBuffersMB: 32, baselineCompilerOnly: false });
    expect(tuningFor(40 * MIB)).toEqual({ sharedBuffersMB: 48, baselineCompilerOnly: false });
    expect(tuningFor(112 * MIB - 1)).toEqual({ sharedBuffersMB: 112, baselineCompilerOnly: false });
  });

  it("the pool is never larger than PostgreSQL's default, however large the database", () => {
    expect(tuningFor(120 * MIB).sharedBuffersMB).toBe(MAX_SHARED_BUFFERS_MB);
    expect(tuningFor(10_000 * MIB)).toEqual({ sharedBuffersMB: 128, baselineCompilerOnly: false });
  });

  it('the pool is given to PostgreSQL as a -c setting', () => {
    expect(postgresSettings(tuningFor(40 * MIB))).toEqual(['-c', 'shared_buffers=48MB']);
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
