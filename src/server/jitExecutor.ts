// graphql-jit as Apollo Server's executor: each operation is compiled into JavaScript once and then run as a plain
// function, where graphql-js walks the document again on every request. Apollo Server 5 takes a custom executor only
// through its gateway option (its migration guide: "executor" became `gateway`), so the schema is handed over as a
// gateway that never changes. Everything before execution stays Apollo's: parsing, validation and the query limits,
// the plugins (request log, input guard), formatError. The schema's own resolvers run, @auth checks included.
import type { GatewayExecutor, GatewayGraphQLRequestContext, GatewayInterface } from '@apollo/server-gateway-interface';
import { BREAK, execute, GraphQLError, Kind, visit, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';

/**
 * Compiled operations kept, least recently used dropped first. A dashboard sends a few dozen distinct operations;
 * each compiled one holds its generated code (tens of kB), so a client sending ever new documents cannot grow it.
 */
export const COMPILED_QUERY_CACHE_SIZE = 1000;

/** The schema as a gateway whose one executor runs compiled queries. */
export function jitGateway(schema: GraphQLSchema): GatewayInterface {
  const executor = createJitExecutor(schema);
  return {
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: '' });
      return () => {};
    },
    async load() {
      return { executor };
    },
    async stop() {},
  };
}

export function createJitExecutor(schema: GraphQLSchema, cacheSize = COMPILED_QUERY_CACHE_SIZE): GatewayExecutor {
  const compiled = new CompiledQueries(schema, cacheSize);
  return async (requestContext: GatewayGraphQLRequestContext) => {
    const { document, request, context, operation } = requestContext;
    // No operation: the name asked for is not in the document; graphql-js answers that error.
    const query = operation ? compiled.get(document, request.operationName) : null;
    if (!query) return executeWithGraphqlJs(schema, requestContext);
    const result = await query.query(undefined, context, request.variables ?? {});
    // No data at all: the variables did not coerce, and nothing ran. graphql-js words those errors as Apollo
    // expects (BAD_USER_INPUT, HTTP 400, the value left out of the message by formatError), so it answers them.
    if (!('data' in result)) return executeWithGraphqlJs(schema, requestContext);
    return result.errors ? { ...result, errors: result.errors.map(asGraphqlJsError) } : result;
  };
}

/** What graphql-js answers: for what graphql-jit cannot compile, and for variables it refuses. */
function executeWithGraphqlJs(schema: GraphQLSchema, { document, request, context }: GatewayGraphQLRequestContext): Promise<ExecutionResult> {
  return Promise.resolve(execute({ schema, document, contextValue: context, variableValues: request.variables, operationName: request.operationName }));
}

/**
 * graphql-jit's errors inherit from graphql's GraphQLError but are built by a constructor of its own: no `extensions`
 * object unless the thrown error had one, which Apollo's error formatting reads unconditionally. Rebuilt as
 * graphql-js builds a resolver's error: the thrown error as originalError, its extensions, the path and locations.
 */
function asGraphqlJsError(error: GraphQLError): GraphQLError {
  const { originalError } = error;
  const rebuilt = new GraphQLError(error.message, {
    path: error.path,
    originalError: originalError ?? undefined,
    extensions: error.extensions,
  });
  // graphql-js derives locations from the field's AST nodes, which graphql-jit does not keep: its own are copied.
  return error.locations ? Object.assign(rebuilt, { locations: error.locations }) : rebuilt;
}

/**
 * Keyed by the parsed document: Apollo keeps each one it parsed and validated and hands the same object to every
 * request with the same query text, so a compiled query is found without hashing or printing anything.
 */
class CompiledQueries {
  private readonly byDocument = new Map<DocumentNode, Map<string | undefined, CompiledQuery | null>>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly size: number,
  ) {}

  /** The compiled operation (one the document has), or null when graphql-jit cannot compile it (graphql-js then answers). */
  get(document: DocumentNode, operationName: string | undefined): CompiledQuery | null {
    let operations = this.byDocument.get(document);
    if (operations) {
      // Most recently used last: Map keeps insertion order.
      this.byDocument.delete(document);
      this.byDocument.set(document, operations);
      const known = operations.get(operationName);
      if (known !== undefined) return known;
    } else {
      if (this.byDocument.size >= this.size) this.byDocument.delete(this.byDocument.keys().next().value!);
      this.byDocument.set(document, (operations = new Map()));
    }
    const compiled = hasVariableInsideLiteral(document) ? undefined : compileQuery(this.schema, document, operationName);
    const query = compiled && isCompiledQuery(compiled) ? compiled : null;
    operations.set(operationName, query);
    return query;
  }
}

/**
 * A variable inside an object or list literal (`patch: { modelName: $name }`, `litellmParams: { rpm: $rpm }`):
 * graphql-jit passes an omitted one as null where graphql-js leaves the key out (in a patch, null removes the key),
 * and inside a JSON literal it drops the variable's value. Such documents run on graphql-js.
 */
function hasVariableInsideLiteral(document: DocumentNode): boolean {
  let depth = 0;
  let found = false;
  const nested = {
    enter() {
      depth += 1;
    },
    leave() {
      depth -= 1;
    },
  };
  visit(document, {
    [Kind.OBJECT]: nested,
    [Kind.LIST]: nested,
    [Kind.VARIABLE]() {
      if (depth === 0) return undefined;
      found = true;
      return BREAK;
    },
  });
  return found;
}
