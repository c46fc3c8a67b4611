// How the embedded PostgreSQL runs, in the server and in the process that creates its database: where its
// shared memory lives, and which of V8's compilers runs its WebAssembly.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';

/**
 * Appended to PGlite's own start parameters (`-c name=value`, as on a postgres command line). The buffer
 * pool keeps PostgreSQL's 128 MB but lives in System V shared memory: PGlite's default (mmap) zeroes the
 * whole segment at start, so all of it was resident, most of an idle server's memory; its shmget leaves a
 * page alone until PostgreSQL uses it, so the pool costs what the data read through it needs.
 */
export const POSTGRES_SETTINGS: readonly string[] = ['-c', 'shared_memory_type=sysv'];

/**
 * V8 flags that keep WebAssembly on V8's baseline compiler (Liftoff), never tiering it up to TurboFan. On a
 * small database, tiering up kept some 55 MiB more resident after start (compiler memory the allocator holds
 * on to) and cost CPU while starting and creating it, for no measurable gain in request latency.
 */
export const BASELINE_COMPILER_FLAGS: readonly string[] = ['--no-wasm-tier-up', '--no-wasm-dynamic-tiering'];

/** From this size on, PostgreSQL's WebAssembly is optimized by TurboFan: scans of such a database take half the time. */
export const OPTIMIZED_FROM_DATABASE_MB = 64;

const MIB = 1024 * 1024;

/** Whether a database of this many bytes runs on the baseline compiler alone. */
export function baselineCompilerOnly(databaseBytes: number): boolean {
  return databaseBytes < OPTIMIZED_FROM_DATABASE_MB * MIB;
}

/**
 * Chooses V8's compiler for the WebAssembly this process compiles from now on: call it before PGlite's module
 * is compiled. The flags are process-wide and stay set (the server has no other WebAssembly of weight), so in
 * one process the first small database decides for those after it.
 */
export function chooseWasmCompiler(databaseBytes: number): void {
  if (baselineCompilerOnly(databaseBytes)) v8.setFlagsFromString(BASELINE_COMPILER_FLAGS.join(' '));
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
