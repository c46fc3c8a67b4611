// The floor under every request of ours: Apollo Server 5 over node:http with a one-field schema, no plugins,
// no context, no database. Started by bench/costBreakdown.ts as a child process on PORT.
import http from 'node:http';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { buildSchema } from 'graphql';

async function main(): Promise<void> {
  const schema = buildSchema('type Query { hello: String }');
  const apollo = new ApolloServer({ schema, rootValue: { hello: () => 'world' }, stopOnTerminationSignals: true });
  await apollo.start();
  const server = http.createServer((request, response) => {
    answer(apollo, request, response).catch((error: unknown) => {
      response.statusCode = 500;
      response.end(String(error));
    });
  });
  server.listen(Number(process.env.PORT), '127.0.0.1');
}

async function answer(apollo: ApolloServer, request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
  if (request.url === '/healthz') return void response.end('ok');
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

void main();
