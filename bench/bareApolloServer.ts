// The floor under every request of ours: Apollo Server 5 over node:http with a one-field schema, no plugins,
// no context, no database. Started by bench/costBreakdown.ts as a child process on PORT. With
// WITH_ASYNC_LOCAL_STORAGE=1 it enters an AsyncLocalStorage once at start, as MikroORM's first transaction does
// in our server: from then on Node 20 runs its promise hooks for every promise.
import { AsyncLocalStorage } from 'node:async_hooks';
import { ApolloServer } from '@apollo/server';
import { buildSchema } from 'graphql';
import { listenWithApollo } from './apolloOverHttp';

/** Kept for the life of the process: while it is enabled, the promise hooks stay on. */
const storage = new AsyncLocalStorage<object>();

async function main(): Promise<void> {
  if (process.env.WITH_ASYNC_LOCAL_STORAGE === '1') storage.run({}, () => undefined);
  const schema = buildSchema('type Query { hello: String }');
  const apollo = new ApolloServer({ schema, rootValue: { hello: () => 'world' }, stopOnTerminationSignals: true });
  await apollo.start();
  listenWithApollo(apollo, Number(process.env.PORT));
}

void main();
