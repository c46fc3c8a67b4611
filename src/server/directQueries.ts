// Queries answered without Apollo's per-request pipeline, once Apollo has accepted the same query text. Apollo's
// pipeline (its body checks, CSRF check, document cache lookup by sha256, plugin hooks, content negotiation, result
// formatting) cost more CPU than reading a model by id itself. What it decides depends on the query text, never on
// the caller, except for what is re-checked here on every request:
// - the body: a JSON object with `query`, and `variables` and `operationName` as Apollo reads them, nothing else;
// - the content type (application/json, which also passes the CSRF check); the Accept header is negotiated as Apollo
//   does by the HTTP layer (responseType.ts);
// - the variables, by the input guard (inputGuard.ts) and graphql-js's coercion (CompiledOperations.run).
// The caller's key, the @auth checks and masking run as in any request: the context is the same, the resolvers are
// the same compiled query Apollo's executor runs. An answer with any error is left to Apollo, which runs the query
// again (a query changes nothing) and formats the errors and the status as it always does. The request log line is
// the same either way.
import type { IncomingHttpHeaders } from 'node:http';
import type { GatewayGraphQLRequest } from '@apollo/server-gateway-interface';
import type { DocumentNode, OperationDefinitionNode } from 'graphql';
import { LRUCache } from 'lru-cache';
import type { ApiContext } from '../graphql/context';
import { findInputProblem } from './inputGuard';
import { COMPILED_QUERY_CACHE_SIZE, type CompiledOperations } from './jitExecutor';
import type { Logger } from './logger';
import { logAnsweredRequest } from './requestLog';

interface AcceptedOperation {
  document: DocumentNode;
  operation: OperationDefinitionNode;
}

export interface DirectAnswer {
  contentType: string;
  body: string;
}

const BODY_KEYS = new Set(['query', 'variables', 'operationName']);

export class DirectQueries {
  /** By query text, then by operation name: the operations Apollo parsed, validated and ran. */
  private readonly accepted = new LRUCache<string, Map<string | undefined, AcceptedOperation>>({ max: COMPILED_QUERY_CACHE_SIZE });
  private open = true;
  /** Requests answered here since start (the rest went through Apollo). */
  answered = 0;

  constructor(
    private readonly operations: CompiledOperations,
    private readonly logger: Logger,
  ) {}

  /** Called by the executor for each operation Apollo has accepted: a query without extensions may be answered here from now on. */
  accept(request: GatewayGraphQLRequest, document: DocumentNode, operation: OperationDefinitionNode): void {
    if (operation.operation !== 'query' || typeof request.query !== 'string') return;
    if (request.extensions && Object.keys(request.extensions).length > 0) return;
    let byName = this.accepted.get(request.query);
    if (!byName) this.accepted.set(request.query, (byName = new Map()));
    byName.set(request.operationName, { document, operation });
  }

  /** The answer to a POST of `body` in `contentType` (responseType.ts), or undefined where Apollo is to answer it. */
  async answer(body: unknown, contentType: string, headers: IncomingHttpHeaders, createContext: () => Promise<ApiContext>): Promise<DirectAnswer | undefined> {
    if (!this.open || !isJsonContentType(headers['content-type'])) return undefined;
    const request = requestOf(body);
    const accepted = request && this.accepted.get(request.query)?.get(request.operationName);
    if (!request || !accepted || findInputProblem(request.variables, accepted.document)) return undefined;
    let context: ApiContext;
    let result: Awaited<ReturnType<CompiledOperations['run']>>;
    try {
      context = await createContext();
      result = await this.operations.run(accepted.document, accepted.operation, request.operationName, request.variables, context);
    } catch {
      return undefined; // Apollo answers a failed context, or anything else thrown, as it always does
    }
    if (!result || result.errors?.length) return undefined;
    logAnsweredRequest(this.logger, context, accepted.operation.name?.value ?? null, []);
    this.answered += 1;
    // Exactly Apollo's body for a result without errors: its fields ordered errors, data, extensions, then a newline.
    return { contentType, body: `${JSON.stringify({ data: result.data })}\n` };
  }

  /** From now on every request goes through Apollo (which refuses them while it stops). */
  close(): void {
    this.open = false;
  }
}

interface QueryRequest {
  query: string;
  operationName: string | undefined;
  variables: Record<string, unknown>;
}

/** The body as Apollo reads a POST's, when it holds nothing Apollo would treat otherwise (extensions, odd types). */
function requestOf(body: unknown): QueryRequest | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  for (const key in body) if (!BODY_KEYS.has(key)) return undefined;
  const { query, variables, operationName } = body as Record<string, unknown>;
  if (typeof query !== 'string') return undefined;
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') return undefined;
  if (variables !== undefined && variables !== null && (typeof variables !== 'object' || Array.isArray(variables))) return undefined;
  return { query, operationName: operationName ?? undefined, variables: (variables ?? {}) as Record<string, unknown> };
}

/** application/json with any parameters (`; charset=utf-8`), as clients send it. */
function isJsonContentType(header: string | undefined): boolean {
  if (header === undefined) return false;
  const end = header.indexOf(';');
  return (end < 0 ? header : header.slice(0, end)).trim().toLowerCase() === 'application/json';
}
