// GraphiQL for browsers: the page at GET /graphql and the static bundle that `npm run build:graphiql`
// writes into dist/graphiql. Everything comes from this server; the page's CSP forbids any other origin.
import { createReadStream, existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';

/** URL prefix of the bundle's files. */
export const GRAPHIQL_ASSETS_PATH = '/graphiql/';

/** Where `npm run build:graphiql` writes the bundle. */
export const GRAPHIQL_BUNDLE_DIR = path.join(findPackageRoot(__dirname), 'dist', 'graphiql');

/** The only files served, by name: nothing else under the bundle directory is reachable. */
const CONTENT_TYPE_BY_ASSET: Readonly<Record<string, string>> = {
  'graphiql.js': 'text/javascript; charset=utf-8',
  'graphiql.css': 'text/css; charset=utf-8',
  'editor.worker.js': 'text/javascript; charset=utf-8',
  'json.worker.js': 'text/javascript; charset=utf-8',
  'graphql.worker.js': 'text/javascript; charset=utf-8',
};

// Monaco injects inline styles and loads its workers from this origin; fonts and icons are data: URLs.
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "worker-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self' data:",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** A browser navigating to the endpoint, as opposed to a GraphQL client sending a GET query. */
export function isBrowserNavigation(request: IncomingMessage): boolean {
  return request.method === 'GET' && (request.headers.accept ?? '').includes('text/html');
}

export function serveGraphiqlPage(response: ServerResponse, graphqlPath: string): void {
  if (!existsSync(path.join(GRAPHIQL_BUNDLE_DIR, 'graphiql.js'))) {
    response.statusCode = 503;
    response.setHeader('content-type', 'text/plain; charset=utf-8');
    response.end('GraphiQL is not built: run `npm run build` (or `npm run build:graphiql`).\n');
    return;
  }
  response.statusCode = 200;
  response.setHeader('content-type', 'text/html; charset=utf-8');
  response.setHeader('cache-control', 'no-store');
  response.setHeader('content-security-policy', CONTENT_SECURITY_POLICY);
  response.setHeader('x-content-type-options', 'nosniff');
  response.setHeader('referrer-policy', 'no-referrer');
  response.end(graphiqlPage(graphqlPath));
}

/** Serves one bundle file; revalidated by ETag so a reload does not fetch megabytes again. */
export async function serveGraphiqlAsset(request: IncomingMessage, response: ServerResponse, name: string): Promise<void> {
  const contentType = Object.hasOwn(CONTENT_TYPE_BY_ASSET, name) ? CONTENT_TYPE_BY_ASSET[name] : undefined;
  const file = path.join(GRAPHIQL_BUNDLE_DIR, name);
  if (!contentType || !existsSync(file)) {
    response.statusCode = 404;
    response.setHeader('content-type', 'text/plain; charset=utf-8');
    response.end('Not found.\n');
    return;
  }
  const { size, mtimeMs } = await stat(file);
  const etag = `"${size.toString(36)}-${Math.trunc(mtimeMs).toString(36)}"`;
  response.setHeader('etag', etag);
  response.setHeader('cache-control', 'no-cache');
  response.setHeader('x-content-type-options', 'nosniff');
  if (request.headers['if-none-match'] === etag) {
    response.statusCode = 304;
    response.end();
    return;
  }
  response.statusCode = 200;
  response.setHeader('content-type', contentType);
  response.setHeader('content-length', size);
  await pipeline(createReadStream(file), response).catch((error: unknown) => {
    if (!response.destroyed) throw error; // a browser that navigated away mid-download is not an error
  });
}

function graphiqlPage(graphqlPath: string): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>GraphiQL · model-admin-graphql</title>
    <link rel="icon" href="data:," />
    <link rel="stylesheet" href="${GRAPHIQL_ASSETS_PATH}graphiql.css" />
    <script type="module" src="${GRAPHIQL_ASSETS_PATH}graphiql.js"></script>
  </head>
  <body>
    <div id="graphiql" data-endpoint="${graphqlPath}">Loading GraphiQL…</div>
  </body>
</html>
`;
}

function findPackageRoot(start: string): string {
  let directory = start;
  while (!existsSync(path.join(directory, 'package.json'))) {
    const parent = path.dirname(directory);
    if (parent === directory) throw new Error(`no package.json above ${start}`);
    directory = parent;
  }
  return directory;
}
