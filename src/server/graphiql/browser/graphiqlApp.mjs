// The browser side of GraphiQL, bundled by buildGraphiqlBundle.mjs: the graphiql package with its
// monaco web workers loaded from this server, so the page works offline.
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { getOperationAST, parse } from 'graphql';
import { createClient } from 'graphql-ws';
import 'graphiql/style.css';
import './graphiqlApp.css';

const DEFAULT_QUERY = `# model-admin-graphql
#
# Put your key in the Headers tab below:
#   { "Authorization": "Bearer sk-..." }
# and run with Ctrl-Enter or the ▶ button.

{
  me {
    authenticated
    role
    userId
  }
}
`;

// The worker bundles sit beside this file (see buildGraphiqlBundle.mjs).
const WORKER_FILE_BY_LABEL = { json: 'json.worker.js', graphql: 'graphql.worker.js' };
globalThis.MonacoEnvironment = {
  getWorker(_workerId, label) {
    return new Worker(new URL(WORKER_FILE_BY_LABEL[label] ?? 'editor.worker.js', import.meta.url));
  },
};

const container = document.getElementById('graphiql');
const httpFetcher = createGraphiQLFetcher({ url: container.dataset.endpoint });

/** The same path over WebSocket: ws:// beside http://, wss:// beside https://. */
const subscriptionUrl = new URL(container.dataset.endpoint, window.location.href);
subscriptionUrl.protocol = subscriptionUrl.protocol === 'https:' ? 'wss:' : 'ws:';

function isSubscription({ query, operationName }) {
  try {
    return getOperationAST(parse(query), operationName)?.operation === 'subscription';
  } catch {
    return false;
  }
}

/**
 * Subscriptions go over graphql-ws, the headers of the Headers tab as connection_init's payload (that is where the
 * server reads the key); one connection per run, closed when the run is stopped. Everything else goes over HTTP.
 */
function fetcher(params, options) {
  if (!isSubscription(params)) return httpFetcher(params, options);
  const client = createClient({ url: subscriptionUrl.href, connectionParams: options?.headers ?? {}, lazy: true, retryAttempts: 0 });
  const events = client.iterate({ query: params.query, variables: params.variables, operationName: params.operationName });
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    next: () => events.next(),
    async return() {
      await events.return?.();
      await client.dispose();
      return { done: true, value: undefined };
    },
  };
}

createRoot(container).render(
  createElement(GraphiQL, {
    fetcher,
    defaultQuery: DEFAULT_QUERY,
    isHeadersEditorEnabled: true,
    defaultEditorToolsVisibility: 'headers',
    // Keys stay out of localStorage unless the user turns this on in GraphiQL's settings.
    shouldPersistHeaders: false,
  }),
);
