// The floor under every request of ours: Apollo Server 5 over node:http with a one-field schema, no plugins,
// no context, no database. Started by bench/costBreakdown.ts as a child process on PORT.
import { ApolloServer } from '@apollo/server';
import { buildSchema } from 'graphql';
import { listenWithApollo } from './apolloOverHttp';

async function main(): Promise<void> {
  const schema = buildSchema('type Query { hello: String }');
  const apollo = new ApolloServer({ schema, rootValue: { hello: () => 'world' }, stopOnTerminationSignals: true });
  await apollo.start();
  listenWithApollo(apollo, Number(process.env.PORT));
}

void main();
