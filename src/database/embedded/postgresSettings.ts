// The PostgreSQL settings the embedded database runs with, in this process and in the one that creates it.

/**
 * PGlite touches its whole buffer pool at start, so every megabyte of it is resident for the life of the
 * server: PostgreSQL's default of 128 MB was most of an idle server's memory. The proxy's tables of one
 * deployment fit in a fraction of this; a page that does not is read again through the operating system's
 * file cache.
 */
export const SHARED_BUFFERS = '16MB';

/** Appended to PGlite's own start parameters (`-c name=value`, as on a postgres command line). */
export const POSTGRES_SETTINGS: readonly string[] = ['-c', `shared_buffers=${SHARED_BUFFERS}`];
