// How the embedded PostgreSQL is tuned, in the server and in the process that creates its database: the
// size of its buffer pool and which of V8's compilers runs its WebAssembly, both following the size of the
// database, so a small one keeps the server small and a large one is read as fast as before.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';

/**
 * PGlite touches its whole buffer pool at start, so every megabyte of `shared_buffers` is resident for the
 * life of the server: PostgreSQL's default of 128 MB was most of an idle server's memory. The pool gets room
 * for the whole database, in steps of this, between the two bounds below.
 */
export const SHARED_BUFFERS_STEP_MB = 16;
/** The pool of a new or small database: an idle server then holds about 175 MiB (bench:startup). */
export const MIN_SHARED_BUFFERS_MB = 16;
/** PostgreSQL's default; a database larger than this has pages read again through the OS file cache. */
export const MAX_SHARED_BUFFERS_MB = 128;

/**
 * V8 compiles PostgreSQL's WebAssembly with its baseline compiler (Liftoff) alone. Optimizing hot functions
 * with TurboFan kept some 55 MiB resident after start (compiler memory the allocator holds on to) and cost CPU
 * while starting and creating a database, for no request latency measurable on a small database
 * (bench:models); scans of a large one run about twice as fast with it (bench:audit at 100,000 rows).
 */
export const BASELINE_COMPILER_FLAG = '--liftoff-only';

export interface PgliteTuning {
  sharedBuffersMB: number;
  /** Only V8's baseline compiler for PostgreSQL's WebAssembly (BASELINE_COMPILER_FLAG). */
  baselineCompilerOnly: boolean;
}

const MIB = 1024 * 1024;

/** A database within the smallest pool runs lean; a larger one gets a pool it fits in, and TurboFan. */
export function tuningFor(databaseBytes: number): PgliteTuning {
  const roomFor = (Math.floor(databaseBytes / (SHARED_BUFFERS_STEP_MB * MIB)) + 1) * SHARED_BUFFERS_STEP_MB;
  const sharedBuffersMB = Math.min(MAX_SHARED_BUFFERS_MB, Math.max(MIN_SHARED_BUFFERS_MB, roomFor));
  return { sharedBuffersMB, baselineCompilerOnly: sharedBuffersMB === MIN_SHARED_BUFFERS_MB };
}

/** Appended to PGlite's own start parameters (`-c name=value`, as on a postgres command line). */
export function postgresSettings(tuning: PgliteTuning): string[] {
  return ['-c', `shared_buffers=${tuning.sharedBuffersMB}MB`];
}

/**
 * Chooses V8's compiler for the WebAssembly this process compiles from now on: call it before PGlite's module
 * is compiled. The flag is process-wide and stays set (the server has no other WebAssembly of weight), so in
 * one process the first lean database decides for those after it.
 */
export function chooseWasmCompiler(tuning: PgliteTuning): void {
  if (tuning.baselineCompilerOnly) v8.setFlagsFromString(BASELINE_COMPILER_FLAG);
}

/**
 * Bytes of the largest database in the data directory `storage`: the server's own (`base/<oid>/` holds one
 * database's files; the others are initdb's two templates). Read while the database is closed.
 */
export function databaseBytes(storage: string): number {
  const base = path.join(storage, 'base');
  let largest = 0;
  for (const database of readdirSync(base, { withFileTypes: true })) {
    if (!database.isDirectory()) continue;
    const directory = path.join(base, database.name);
    const bytes = readdirSync(directory).reduce((sum, file) => sum + statSync(path.join(directory, file)).size, 0);
    largest = Math.max(largest, bytes);
  }
  return largest;
}
