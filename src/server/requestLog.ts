// One structured log line per GraphQL request: request id, operation name, caller, duration, outcome.
// Never the query text, variables or headers: they can hold keys and secrets.
import { performance } from 'node:perf_hooks';
import type { ApolloServerPlugin, GraphQLResponse } from '@apollo/server';
import { getOperationAST, GraphQLError, type DocumentNode, type GraphQLFormattedError } from 'graphql';
import { BAD_REQUEST_CODE, INTERNAL_SERVER_ERROR_CODE } from '../errors/errorCodes';
import type { ApiContext } from '../graphql/context';
import type { Logger } from './logger';
import { currentScope, runInScope } from '../request/RequestScope';

/** Longer client-sent operation names are cut: the log is not a place to store what clients send. */
export const MAX_LOGGED_OPERATION_NAME_LENGTH = 100;

export const REQUEST_LOG_MESSAGE = 'graphql request';

export interface RequestLogLine {
  requestId?: string;
  operationName: string | null;
  /** The caller's user id; null when no valid key was sent. */
  userId: string | null;
  /** From the HTTP request's arrival (body read and key lookup included) to the response. */
  durationMs: number;
  /** ok: no errors; error: the operation ran and answered errors; rejected: it never ran. */
  outcome: 'ok' | 'error' | 'rejected';
  /** extensions.code of each distinct error, as the client saw it. */
  errorCodes?: string[];
  /** Why the key sent was refused (expired, blocked, unknown…): the client's message never says. */
  keyRefused?: string;
}

/** Runs the handling of one HTTP request so that its log line can name it and time it. */
export function runInRequestScope<T>(requestId: string, handle: () => Promise<T>): Promise<T> {
  return runInScope({ requestId, startedAt: performance.now() }, handle);
}

/** Logs a request refused before Apollo saw it (body not JSON, too large). */
export function logRejectedRequest(logger: Logger, code: string): void {
  logger.info(rejectedLine([code]), REQUEST_LOG_MESSAGE);
}

export function createRequestLogPlugin(logger: Logger): ApolloServerPlugin<ApiContext> {
  return {
    async requestDidStart() {
      const startedAt = currentScope()?.startedAt ?? performance.now();
      return {
        async willSendResponse({ contextValue, operationName, request, document, response }) {
          const name = operationName ?? request.operationName ?? nameInDocument(document);
          logAnsweredRequest(logger, contextValue, name, distinctCodes(responseErrors(response)), startedAt);
        },
      };
    },
    // Bad HTTP requests (CSRF check, missing query) and failed context creation never reach requestDidStart.
    async invalidRequestWasReceived({ error }) {
      logger.info(rejectedLine([(error instanceof GraphQLError && codeOf(error)) || BAD_REQUEST_CODE]), REQUEST_LOG_MESSAGE);
    },
    async contextCreationDidFail() {
      logger.info(rejectedLine([INTERNAL_SERVER_ERROR_CODE]), REQUEST_LOG_MESSAGE);
    },
  };
}

/** The line of an operation that ran: through Apollo (above) or answered directly (directQueries.ts). */
export function logAnsweredRequest(
  logger: Logger,
  { requestId, principal }: ApiContext,
  operationName: string | null,
  errorCodes: string[],
  startedAt = currentScope()?.startedAt ?? performance.now(),
): void {
  const line: RequestLogLine = {
    requestId,
    operationName: truncate(operationName),
    userId: principal.authenticated ? principal.userId : null,
    durationMs: elapsedSince(startedAt),
    outcome: errorCodes.length ? 'error' : 'ok',
    ...(errorCodes.length ? { errorCodes } : {}),
    ...(!principal.authenticated && errorCodes.includes('UNAUTHENTICATED') ? { keyRefused: principal.reason } : {}),
  };
  logger.info(line, REQUEST_LOG_MESSAGE);
}

function rejectedLine(errorCodes: string[]): RequestLogLine {
  const scope = currentScope();
  return {
    requestId: scope?.requestId,
    operationName: null,
    userId: null,
    durationMs: scope ? elapsedSince(scope.startedAt) : 0,
    outcome: 'rejected',
    errorCodes,
  };
}

function responseErrors(response: GraphQLResponse): readonly GraphQLFormattedError[] {
  const result = response.body.kind === 'single' ? response.body.singleResult : response.body.initialResult;
  return result.errors ?? [];
}

function distinctCodes(errors: readonly GraphQLFormattedError[]): string[] {
  return [...new Set(errors.map((error) => codeOf(error) ?? INTERNAL_SERVER_ERROR_CODE))];
}

function codeOf(error: { extensions?: Record<string, unknown> }): string | undefined {
  const code = error.extensions?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The operation's name when validation failed before Apollo resolved it. */
function nameInDocument(document: DocumentNode | undefined): string | null {
  return (document && getOperationAST(document)?.name?.value) ?? null;
}

function truncate(name: string | null): string | null {
  return name && name.length > MAX_LOGGED_OPERATION_NAME_LENGTH ? `${name.slice(0, MAX_LOGGED_OPERATION_NAME_LENGTH)}…` : name;
}

function elapsedSince(startedAt: number): number {
  return Math.round((performance.now() - startedAt) * 10) / 10;
}
