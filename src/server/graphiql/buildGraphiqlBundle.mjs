// `npm run build:graphiql`: bundles the graphiql package (React, monaco and monaco's web workers) into
// dist/graphiql with esbuild, so the server serves GraphiQL from its own files and no CDN.
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const bundleDir = path.resolve(here, '../../../dist/graphiql');
// Built aside, then renamed into place file by file: a server running from this tree (another test run,
// `npm start`) never sees the bundle half-written or missing.
const outdir = `${bundleDir}.building-${process.pid}`;

/** Browsers the bundle is compiled for: any evergreen browser of the last two years. */
const TARGET = ['chrome120', 'firefox121', 'safari17'];

const common = {
  bundle: true,
  minify: true,
  outdir,
  target: TARGET,
  define: { 'process.env.NODE_ENV': '"production"' },
  logLevel: 'warning',
};

try {
  await Promise.all([
    // One ES module (graphiql.js + graphiql.css): its dynamic imports are inlined, so nothing is fetched lazily.
    build({
      ...common,
      entryPoints: { graphiql: path.join(here, 'browser/graphiqlApp.mjs') },
      format: 'esm',
      loader: { '.ttf': 'dataurl', '.woff': 'dataurl', '.woff2': 'dataurl' },
    }),
    // Monaco runs its language services in workers, one bundle each, named as graphiqlApp.mjs asks for them.
    build({
      ...common,
      entryPoints: {
        'editor.worker': 'monaco-editor/esm/vs/editor/editor.worker.js',
        'json.worker': 'monaco-editor/esm/vs/language/json/json.worker.js',
        'graphql.worker': 'monaco-graphql/esm/graphql.worker.js',
      },
      format: 'iife',
    }),
  ]);
  await mkdir(bundleDir, { recursive: true });
  const built = await readdir(outdir);
  for (const name of built) await rename(path.join(outdir, name), path.join(bundleDir, name));
  for (const name of await readdir(bundleDir)) {
    if (!built.includes(name)) await rm(path.join(bundleDir, name), { recursive: true, force: true });
  }
} finally {
  await rm(outdir, { recursive: true, force: true });
}
