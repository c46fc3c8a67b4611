// Apollo Server 5 over node:http with nothing else around it: how the bench's reference servers (the bare
// Apollo server of bench:breakdown, the Apollo floor of bench:compare) answer requests. GET /healthz answers ok.
import { AsyncLocalStorage } from 'node:async_hooks';
import http from 'node:http';
import { HeaderMap, type ApolloServer } from '@apollo/server';

/** Kept for the life of the process: while it is enabled, the promise hooks stay on. */
const storage = new AsyncLocalStorage<object>();

/**
 * With WITH_ASYNC_LOCAL_STORAGE=1, enters an AsyncLocalStorage once, as MikroORM's first flush or transaction
 * does in our server: from then on Node 20 runs its promise hooks for every promise of the process.
 */
export function enterAsyncLocalStorageWhenAsked(env = process.env): void {
  if (env.WITH_ASYNC_LOCAL_STORAGE === '1') storage.run({}, () => undefined);
}

export function listenWithApollo(apollo: ApolloServer, port: number, host = '127.0.0.1'): http.Server {
  const server = http.createServer((request, response) => {
    answer(apollo, request, response).catch((error: unknown) => {
      response.statusCode = 500;
      response.end(JSON.stringify({ errors: [{ message: String(error) }] }));
    });
  });
  return server.listen(port, host);
}

async function answer(apollo: ApolloServer, request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
  if (request.url === '/healthz') return void response.end('{"status":"ok"}');
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(request.headers)) if (typeof value === 'string') headers.set(name, value);
  const result = await apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: request.method ?? 'POST', headers, search: '', body: JSON.parse(Buffer.concat(chunks).toString('utf8')) },
    context: async () => ({}),
  });
  for (const [name, value] of result.headers) response.setHeader(name, value);
  response.statusCode = result.status ?? 200;
  response.end(result.body.kind === 'complete' ? result.body.string : '');
}
