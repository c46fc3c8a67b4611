// The floor under every request of ours: Apollo Server 5 over node:http with a one-field schema, no plugins,
// no context, no database. Started by bench/costBreakdown.ts as a child process on PORT; WITH_ASYNC_LOCAL_STORAGE=1
// turns Node 20's promise hooks on, as in our server (see enterAsyncLocalStorageWhenAsked).
import { ApolloServer } from '@apollo/server';
import { buildSchema } from 'graphql';
import { enterAsyncLocalStorageWhenAsked, listenWithApollo } from './apolloOverHttp';

async function main(): Promise<void> {
  enterAsyncLocalStorageWhenAsked();
  const schema = buildSchema('type Query { hello: String }');
  const apollo = new ApolloServer({ schema, rootValue: { hello: () => 'world' }, stopOnTerminationSignals: true });
  await apollo.start();
  listenWithApollo(apollo, Number(process.env.PORT));
}

void main();
