// The browser side of GraphiQL, bundled by buildGraphiqlBundle.mjs: the graphiql package with its
// monaco web workers loaded from this server, so the page works offline.
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
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
const fetcher = createGraphiQLFetcher({ url: container.dataset.endpoint });

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
