// How the embedded PostgreSQL runs, in the server and in the process that creates its database: its
// settings, and which of V8's compilers runs its WebAssembly.
import v8 from 'node:v8';

/**
 * PGlite touches its whole buffer pool at start, so every megabyte of it is resident for the life of the
 * server: PostgreSQL's default of 128 MB was most of an idle server's memory. The proxy's tables of one
 * deployment fit in a fraction of this; a page that does not is read again through the operating system's
 * file cache.
 */
export const SHARED_BUFFERS = '16MB';

/** Appended to PGlite's own start parameters (`-c name=value`, as on a postgres command line). */
export const POSTGRES_SETTINGS: readonly string[] = ['-c', `shared_buffers=${SHARED_BUFFERS}`];

/**
 * PostgreSQL's WebAssembly runs on V8's baseline compiler (Liftoff) alone. Optimizing its hot functions
 * with TurboFan kept some 55 MiB resident after start (compiler memory the allocator holds on to) and cost
 * CPU while starting and creating a database, for no request latency measurable here (bench:startup,
 * bench:models); heavy computation inside PostgreSQL runs about 1.5 times slower.
 */
export const WASM_COMPILER_FLAG = '--liftoff-only';

/**
 * Sets WASM_COMPILER_FLAG in this process. V8 reads it when it compiles a module, so this must run before
 * PGlite's module is first compiled; it changes nothing else (the server has no other WebAssembly of weight).
 */
export function useWasmCompilerFlag(): void {
  v8.setFlagsFromString(WASM_COMPILER_FLAG);
}
