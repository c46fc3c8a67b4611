// Refuses, before anything runs, operations whose input no resolver could handle safely: text PostgreSQL
// cannot hold (a NUL character, which in SQL text even breaks the wire protocol; an unpaired UTF-16 surrogate,
// which jsonb refuses), numbers no JSON can hold (a literal 1e400 would be stored as null), JSON nested deeper than
// any real model configuration (the recursive validation, merge and masking code would overflow the stack), and
// subscriptions over HTTP (they are served over WebSocket, where subscriptionServer.ts applies the same checks).
import { HeaderMap, type ApolloServerPlugin, type BaseContext, type GraphQLResponse } from '@apollo/server';
import { Kind, visit, type DocumentNode } from 'graphql';
import { BAD_REQUEST_CODE, type ApiErrorCode } from '../errors/errorCodes';

/** Nesting of objects and arrays in one input value: litellm_params and model_info hold a few levels at most. */
export const MAX_INPUT_DEPTH = 32;

export function createInputGuardPlugin(): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart() {
      return {
        // Answers in place of execution, as a field error would (data: null), so clients see one shape for bad input.
        async responseForOperation({ request, document, operation }) {
          if (operation?.operation === 'subscription') return refusal(BAD_REQUEST_CODE, SUBSCRIPTION_OVER_HTTP);
          const problem = findInputProblem(request.variables ?? {}, document);
          return problem ? refusal('BAD_USER_INPUT' satisfies ApiErrorCode, problem) : null;
        },
      };
    },
  };
}

export const SUBSCRIPTION_OVER_HTTP = 'Subscriptions are served over WebSocket (graphql-ws) at /graphql: send queries and mutations over HTTP.';

/** Why no resolver could safely handle these variables or the document's literals; undefined when they are fine. */
export function findInputProblem(variables: Record<string, unknown>, document: DocumentNode | undefined): string | undefined {
  return findVariableProblem(variables) ?? findLiteralProblem(document);
}

/** Walks every variable without recursion, so no input, however deep, can overflow the stack here. */
function findVariableProblem(variables: Record<string, unknown>): string | undefined {
  const pending: { value: unknown; path: string; depth: number }[] = Object.entries(variables).map(([name, value]) => ({ value, path: `$${name}`, depth: 0 }));
  while (pending.length) {
    const { value, path, depth } = pending.pop()!;
    if (typeof value === 'string') {
      const problem = textProblem(value);
      if (problem) return `Variable ${truncated(path)} ${problem}`;
      continue;
    }
    if (typeof value === 'number' && !Number.isFinite(value)) return `Variable ${truncated(path)} ${NON_FINITE}`;
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_INPUT_DEPTH) return depthMessage(`Variable ${path}`);
    for (const [key, item] of Object.entries(value)) {
      const problem = textProblem(key);
      if (problem) return `A key in variable ${truncated(path)} ${problem}`;
      pending.push({ value: item, path: Array.isArray(value) ? `${path}[${key}]` : `${path}.${shorten(key)}`, depth: depth + 1 });
    }
  }
  return undefined;
}

// Apollo keeps each parsed document and hands the same object to every request with the same query text,
// so its literals are walked once: walking them on every request cost more than the rest of this guard.
const literalProblems = new WeakMap<DocumentNode, { problem: string | undefined }>();

/** String literals and nested object or list literals in the document itself. */
function findLiteralProblem(document: DocumentNode | undefined): string | undefined {
  if (!document) return undefined;
  let known = literalProblems.get(document);
  if (!known) literalProblems.set(document, (known = { problem: walkLiterals(document) }));
  return known.problem;
}

function walkLiterals(document: DocumentNode): string | undefined {
  let problem: string | undefined;
  let depth = 0;
  const nested = {
    enter() {
      depth += 1;
      if (depth > MAX_INPUT_DEPTH) problem ??= depthMessage('A value in the query');
    },
    leave() {
      depth -= 1;
    },
  };
  visit(document, {
    [Kind.OBJECT]: nested,
    [Kind.LIST]: nested,
    [Kind.STRING]: (node) => {
      const text = textProblem(node.value);
      if (text) problem ??= `A string in the query ${text}`;
    },
    [Kind.FLOAT]: (node) => {
      if (!Number.isFinite(Number(node.value))) problem ??= `A number in the query ${NON_FINITE}`;
    },
    [Kind.INT]: (node) => {
      if (!Number.isFinite(Number(node.value))) problem ??= `A number in the query ${NON_FINITE}`;
    },
  });
  return problem;
}

/** Keys come from the client: a path made of them is cut short rather than echoed whole. */
function shorten(key: string): string {
  return key.length > 40 ? `${key.slice(0, 40)}…` : key;
}

const NON_FINITE = 'is too large to be a number JSON can hold (it would be stored as null).';

const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why PostgreSQL could not hold `text`, completing "Variable $x …", or undefined. */
function textProblem(text: string): string | undefined {
  if (text.includes('\u0000')) return 'contains a NUL character (U+0000), which cannot be stored.';
  if (UNPAIRED_SURROGATE.test(text)) return 'contains an unpaired UTF-16 surrogate, which is not valid Unicode.';
  return undefined;
}

function depthMessage(subject: string): string {
  return `${truncated(subject)} is nested more than ${MAX_INPUT_DEPTH} levels deep.`;
}

function truncated(subject: string): string {
  return subject.length > 300 ? `${subject.slice(0, 300)}…` : subject;
}

function refusal(code: string, message: string): GraphQLResponse {
  return {
    http: { status: 400, headers: new HeaderMap() },
    body: { kind: 'single', singleResult: { data: null, errors: [{ message, extensions: { code } }] } },
  };
}
