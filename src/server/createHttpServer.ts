// node:http in front of Apollo: POST/GET /graphql, GraphiQL for browsers, /healthz (process up), /readyz (database answers).
import { randomUUID } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type HTTPGraphQLResponse } from '@apollo/server';
import type { DirectAnswer, DirectQueries } from './directQueries';
import type { ApiContext } from '../graphql/context';
import { GRAPHIQL_ASSETS_PATH, isBrowserNavigation, serveGraphiqlAsset, serveGraphiqlPage } from './graphiql/serveGraphiql';
import { readRequestBody } from './readRequestBody';
import { NOT_ACCEPTABLE_MESSAGE, responseTypeFor } from './responseType';
import { BAD_REQUEST_CODE, INTERNAL_SERVER_ERROR_CODE, REQUEST_TIMEOUT_CODE, type ApiErrorCode } from '../errors/errorCodes';
import { RequestBodyError } from '../errors/RequestBodyError';
import { runWithDeadline } from '../request/RequestDeadline';
import { logRejectedRequest, runInRequestScope } from './requestLog';
import type { Logger } from './logger';

export const GRAPHQL_PATH = '/graphql';

export interface HttpServerOptions {
  apollo: ApolloServer<ApiContext>;
  /** Queries Apollo accepted before, answered without its pipeline. */
  direct: DirectQueries;
  /** Builds the GraphQL context of one request. */
  createContext(request: IncomingMessage, requestId: string): Promise<ApiContext>;
  /** Resolves when the database answers, rejects otherwise. */
  checkReadiness(): Promise<void>;
  /** Serve GraphiQL to browsers at GET /graphql (off in production). */
  graphiql: boolean;
  /** A GraphQL request still running after this long is answered with 503 REQUEST_TIMEOUT. */
  requestTimeoutMs: number;
  logger: Logger;
}

/** Longest a client may take to send its headers (Node's default). */
const HEADERS_TIMEOUT_MS = 60_000;

export function createHttpServer(options: HttpServerOptions): http.Server {
  // A client that sends its request slowly is cut off too (408), so it cannot hold a connection for ever.
  const requestTimeout = options.requestTimeoutMs;
  const serverOptions = { requestTimeout, headersTimeout: Math.min(HEADERS_TIMEOUT_MS, requestTimeout) };
  return http.createServer(serverOptions, (request, response) => {
    route(options, request, response).catch((error: unknown) => {
      options.logger.error({ err: error }, 'request failed outside GraphQL');
      if (!response.headersSent) sendError(response, 500, INTERNAL_SERVER_ERROR_CODE, 'Internal server error.');
      else response.end();
    });
  });
}

async function route(options: HttpServerOptions, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = requestTarget(request.url ?? '/');
  if (url.pathname === '/healthz') return sendJson(response, 200, { status: 'ok' });
  if (url.pathname === '/readyz') {
    try {
      await options.checkReadiness();
      return sendJson(response, 200, { status: 'ready' });
    } catch {
      return sendJson(response, 503, { status: 'database unavailable' });
    }
  }
  if (options.graphiql && url.pathname.startsWith(GRAPHIQL_ASSETS_PATH)) {
    return serveGraphiqlAsset(request, response, url.pathname.slice(GRAPHIQL_ASSETS_PATH.length));
  }
  if (url.pathname !== GRAPHQL_PATH) return sendError(response, 404, 'NOT_FOUND' satisfies ApiErrorCode, `Not found. The API is at ${GRAPHQL_PATH}.`);
  if (options.graphiql && isBrowserNavigation(request)) return serveGraphiqlPage(response, GRAPHQL_PATH);
  const requestId = headerValue(request, 'x-request-id') ?? randomUUID();
  response.setHeader('x-request-id', requestId);
  return runInRequestScope(requestId, () => serveGraphql(options, request, response, url.search, requestId));
}

async function serveGraphql(
  options: HttpServerOptions,
  request: IncomingMessage,
  response: ServerResponse,
  search: string,
  requestId: string,
): Promise<void> {
  let body: unknown;
  if (request.method === 'POST') {
    try {
      const text = await readRequestBody(request);
      body = text ? JSON.parse(text) : undefined;
    } catch (error) {
      logRejectedRequest(options.logger, BAD_REQUEST_CODE);
      if (error instanceof RequestBodyError) return sendError(response, error.status, BAD_REQUEST_CODE, error.message);
      return sendError(response, 400, BAD_REQUEST_CODE, 'The request body is not valid JSON.');
    }
  }
  const responseType = responseTypeFor(request.headers.accept);
  if (responseType === null) {
    logRejectedRequest(options.logger, BAD_REQUEST_CODE);
    return sendError(response, 406, BAD_REQUEST_CODE, NOT_ACCEPTABLE_MESSAGE);
  }
  const createContext = () => options.createContext(request, requestId);
  const outcome = await runWithDeadline(options.requestTimeoutMs, async () => {
    const direct = request.method === 'POST' ? await options.direct.answer(body, responseType, request.headers, createContext) : undefined;
    if (direct) return directResponse(direct);
    return options.apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: (request.method ?? 'GET').toUpperCase(), headers: apolloHeaders(request), search, body },
      context: createContext,
    });
  });
  if (outcome.timedOut) {
    options.logger.warn({ timeoutMs: options.requestTimeoutMs }, 'request timed out');
    return sendError(response, 503, REQUEST_TIMEOUT_CODE, timeoutMessage(options.requestTimeoutMs));
  }
  const result = outcome.value;
  for (const [name, value] of result.headers) response.setHeader(name, value);
  response.statusCode = result.status ?? 200;
  if (result.body.kind === 'complete') {
    response.end(result.body.string);
    return;
  }
  for await (const chunk of result.body.asyncIterator) response.write(chunk);
  response.end();
}

function apolloHeaders(request: IncomingMessage): HeaderMap {
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return headers;
}

function directResponse({ contentType, body }: DirectAnswer): HTTPGraphQLResponse {
  return { status: 200, headers: new HeaderMap([['content-type', contentType]]), body: { kind: 'complete', string: body } };
}

/** The path and query of a request. The API's own path is split off directly; anything else is normalised by URL. */
function requestTarget(target: string): { pathname: string; search: string } {
  const queryStart = target.indexOf('?');
  const pathname = queryStart < 0 ? target : target.slice(0, queryStart);
  if (pathname === GRAPHQL_PATH) return { pathname, search: queryStart < 0 ? '' : target.slice(queryStart) };
  const { pathname: normalised, search } = new URL(target, 'http://localhost');
  return { pathname: normalised, search };
}

function timeoutMessage(timeoutMs: number): string {
  return `The request did not finish within ${timeoutMs} ms and was stopped. A change it had not saved by then was rolled back; read the data again before retrying.`;
}

function headerValue(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' && value.length > 0 && value.length <= 200 ? value : undefined;
}

/** Every error this layer answers has the shape of a GraphQL error response, whatever the route. */
function sendError(response: ServerResponse, status: number, code: string, message: string): void {
  sendJson(response, status, { errors: [{ message, extensions: { code } }] });
}

function sendJson(response: ServerResponse, status: number, payload: unknown): void {
  response.statusCode = status;
  response.setHeader('content-type', 'application/json; charset=utf-8');
  response.end(JSON.stringify(payload));
}
