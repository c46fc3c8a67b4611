// Subscriptions over graphql-ws on the HTTP server's own port and path, as Apollo Server documents it (ws's
// WebSocketServer + graphql-ws's useServer, disposed by a drainServer plugin). The key comes in connection_init; every
// subscription document passes the same limits as an HTTP operation (tokens, depth, cost, aliases, input checks).
import type http from 'node:http';
import { randomUUID } from 'node:crypto';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { GraphQLError, getOperationAST, parse, specifiedRules, validate, type DocumentNode, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { Context as GraphqlWsContext } from 'graphql-ws';
import { WebSocket, WebSocketServer } from 'ws';
import { extractApiKey } from '../access/resolvePrincipal';
import { ApiError } from '../errors/ApiError';
import { BAD_REQUEST_CODE } from '../errors/errorCodes';
import type { LiveConnections, LiveSession } from '../live/LiveConnections';
import type { LiveContext } from '../live/liveEvents';
import { findInputProblem } from './inputGuard';
import type { Logger } from './logger';
import type { QueryLimits } from './queryLimits';

/** Largest WebSocket message accepted: a subscription document is small (the HTTP body limit is larger). */
export const MAX_WEBSOCKET_MESSAGE_BYTES = 64 * 1024;

export interface SubscriptionServerOptions {
  httpServer: http.Server;
  path: string;
  schema: GraphQLSchema;
  connections: LiveConnections;
  /** The context of one subscription on `session`'s connection. */
  createContext(session: LiveSession, requestId: string): LiveContext;
  limits: QueryLimits;
  formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError;
  /** Browser origins besides the server's own that may open a WebSocket. */
  allowedOrigins: readonly string[];
  logger: Logger;
}

export interface SubscriptionServer {
  /** Apollo's drainServer hook: closes every socket (1001) when the server stops. */
  plugin: ApolloServerPlugin<BaseContext>;
}

export function createSubscriptionServer(options: SubscriptionServerOptions): SubscriptionServer {
  const { connections, logger } = options;
  const allowedOrigins = new Set(options.allowedOrigins);
  const webSockets = new WebSocketServer({
    server: options.httpServer,
    path: options.path,
    maxPayload: MAX_WEBSOCKET_MESSAGE_BYTES,
    // A browser always sends Origin: only pages of this server (GraphiQL) or listed origins may connect. Other
    // clients send none. The key travels in connection_init, never in a cookie, so a foreign page has nothing to ride on.
    verifyClient: ({ origin, req }: { origin?: string; req: http.IncomingMessage }, decide: (allowed: boolean, status?: number, message?: string) => void) =>
      !origin || allowedOrigins.has(origin) || isSameOrigin(origin, req) ? decide(true) : decide(false, 403, 'Forbidden: this origin may not open a WebSocket here'),
  });
  const sessions = new WeakMap<GraphqlWsContext, LiveSession>();

  const cleanup = useServer(
    {
      schema: options.schema,
      async onConnect(context) {
        const socket = (context.extra as { socket: WebSocket }).socket;
        const apiKey = extractApiKey((name) => connectionParam(context.connectionParams, name));
        try {
          const session = await connections.open(apiKey, (code, reason) => socket.close(code, reason));
          if (!session) return false;
          // Gone while its key was being checked: onClose has run already, with no session to release.
          if (socket.readyState !== WebSocket.OPEN) {
            connections.release(session);
            return false;
          }
          sessions.set(context, session);
          return true;
        } catch (error) {
          logger.error({ err: error }, 'could not check the key of a WebSocket connection');
          socket.close(1011, 'Internal server error');
          return false;
        }
      },
      onClose(context) {
        const session = sessions.get(context);
        if (session) connections.release(session);
      },
      onSubscribe(context, id, payload) {
        const session = sessions.get(context)!;
        const max = connections.limits.maxSubscriptionsPerConnection;
        if (session.subscriptions.size >= max) return [ApiError.limitExceeded(`At most ${max} subscriptions may run on one connection: complete one first, or open another connection.`)];
        let document: DocumentNode;
        try {
          document = parse(payload.query, options.limits.parseOptions);
        } catch (error) {
          return [codedError(error, 'GRAPHQL_PARSE_FAILED')];
        }
        const invalid = validate(options.schema, document, [...specifiedRules, ...options.limits.validationRules]);
        if (invalid.length) return invalid.map((error) => codedError(error, 'GRAPHQL_VALIDATION_FAILED'));
        if (getOperationAST(document, payload.operationName)?.operation !== 'subscription') {
          return [new GraphQLError('Only subscriptions are served over WebSocket: send queries and mutations over HTTP.', { extensions: { code: BAD_REQUEST_CODE } })];
        }
        const problem = findInputProblem(payload.variables ?? {}, document);
        if (problem) return [ApiError.badInput(problem)];
        session.subscriptions.add(id);
        return {
          schema: options.schema,
          document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue: options.createContext(session, `ws-${randomUUID()}`),
        };
      },
      onComplete(context, id) {
        sessions.get(context)?.subscriptions.delete(id);
      },
      onNext(_context, _id, _payload, _args, result) {
        if (!result.errors) return undefined;
        return { ...result, errors: result.errors.map((error) => options.formatError(error.toJSON(), error)) };
      },
      onError(_context, _id, _payload, errors) {
        return errors.map((error) => options.formatError(error.toJSON(), error));
      },
    },
    webSockets,
  );

  return {
    plugin: {
      async serverWillStart() {
        return {
          async drainServer() {
            connections.stop();
            await cleanup.dispose();
          },
        };
      },
    },
  };
}

/** A connection_init payload's value for a header name, matched case-insensitively. */
function connectionParam(params: Record<string, unknown> | undefined, name: string): string | undefined {
  if (!params) return undefined;
  const entry = Object.entries(params).find(([key]) => key.toLowerCase() === name);
  return typeof entry?.[1] === 'string' ? entry[1] : undefined;
}

function isSameOrigin(origin: string, request: http.IncomingMessage): boolean {
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

function codedError(error: unknown, code: string): GraphQLError {
  const message = error instanceof Error ? error.message : String(error);
  return new GraphQLError(message, { extensions: { code } });
}
