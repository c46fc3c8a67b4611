// graphql-jit as Apollo Server's executor: each operation is compiled into JavaScript once and then run as a plain
// function, where graphql-js walks the document again on every request. Apollo Server 5 takes a custom executor only
// through its gateway option (its migration guide: "executor" became `gateway`), so the schema is handed over as a
// gateway that never changes. Everything before execution stays Apollo's: parsing, validation and the query limits,
// the plugins (request log, input guard), formatError. The schema's own resolvers run, @auth checks included. A query
// Apollo has accepted this way is answered again without its pipeline (directQueries.ts).
import type { GatewayExecutor, GatewayGraphQLRequest, GatewayGraphQLRequestContext, GatewayInterface } from '@apollo/server-gateway-interface';
import {
  BREAK,
  execute,
  getNullableType,
  getVariableValues,
  GraphQLError,
  isScalarType,
  Kind,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import { LRUCache } from 'lru-cache';

/**
 * Compiled operations kept, least recently used dropped first. A dashboard sends a few dozen distinct operations;
 * each compiled one holds its generated code (tens of kB), so a client sending ever new documents cannot grow it.
 */
export const COMPILED_QUERY_CACHE_SIZE = 1000;

/** Told of each operation Apollo accepted (parsed, validated, past every plugin) before it runs. */
export type AcceptedOperationListener = (request: GatewayGraphQLRequest, document: DocumentNode, operation: OperationDefinitionNode) => void;

/** The schema as a gateway whose one executor runs compiled queries. */
export function jitGateway(operations: CompiledOperations, onAccepted: AcceptedOperationListener): GatewayInterface {
  const { schema } = operations;
  const executor: GatewayExecutor = async (requestContext: GatewayGraphQLRequestContext) => {
    const { document, request, context, operation } = requestContext;
    // No operation: the name asked for is not in the document; graphql-js answers that error.
    if (!operation) return executeWithGraphqlJs(schema, requestContext);
    onAccepted(request, document, operation);
    const result = await operations.run(document, operation, request.operationName, request.variables ?? {}, context);
    if (!result) return executeWithGraphqlJs(schema, requestContext);
    return result.errors ? { ...result, errors: result.errors.map(asGraphqlJsError) } : result;
  };
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

/** The schema's operations compiled by graphql-jit, run where they answer as graphql-js would. */
export class CompiledOperations {
  private readonly compiled: CompiledQueries;

  constructor(
    readonly schema: GraphQLSchema,
    cacheSize = COMPILED_QUERY_CACHE_SIZE,
  ) {
    this.compiled = new CompiledQueries(schema, cacheSize);
  }

  /** The operation's result, or undefined where graphql-js is to answer (not compiled, or variables it would read otherwise). */
  async run(
    document: DocumentNode,
    operation: OperationDefinitionNode,
    operationName: string | undefined,
    variables: Record<string, unknown>,
    context: unknown,
  ): Promise<ExecutionResult | undefined> {
    const query = this.compiled.get(document, operationName, variables);
    if (!query || !coerceAsGraphqlJs(this.schema, operation, variables)) return undefined;
    const result = await query.query(undefined, context, variables);
    // No data at all: the variables did not coerce and nothing ran (graphql-js refused them above already).
    return 'data' in result ? result : undefined;
  }
}

/**
 * graphql-jit coerces the variables it is given as graphql-js does, but accepts some that graphql-js refuses (a list
 * where an input object is expected). graphql-js decides which are accepted; refused ones it answers itself, worded
 * as Apollo expects (BAD_USER_INPUT, HTTP 400, the value left out of the message by formatError).
 */
function coerceAsGraphqlJs(schema: GraphQLSchema, operation: OperationDefinitionNode, variables: Record<string, unknown>): boolean {
  const definitions = operation.variableDefinitions;
  return !definitions?.length || !getVariableValues(schema, definitions, variables, { maxErrors: 1 }).errors;
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

/** What one document needs for graphql-jit to answer it as graphql-js would, and its compiled operations. */
interface DocumentEntry {
  literals: LiteralVariables;
  operations: Map<string | undefined, CompiledQuery | null>;
}

/**
 * Keyed by the parsed document: Apollo keeps each one it parsed and validated and hands the same object to every
 * request with the same query text, so a compiled query is found without hashing or printing anything.
 */
class CompiledQueries {
  private readonly byDocument: LRUCache<DocumentNode, DocumentEntry>;

  constructor(
    private readonly schema: GraphQLSchema,
    size: number,
  ) {
    this.byDocument = new LRUCache({ max: size });
  }

  /** The compiled operation (one the document has), or null where graphql-js is to answer these variables. */
  get(document: DocumentNode, operationName: string | undefined, variables: Record<string, unknown>): CompiledQuery | null {
    let entry = this.byDocument.get(document);
    if (!entry) {
      entry = { literals: literalVariables(this.schema, document), operations: new Map() };
      this.byDocument.set(document, entry);
    }
    const { literals, operations } = entry;
    if (literals.insideScalar) return null;
    for (const name of literals.names) if (variables[name] === undefined) return null;
    let query = operations.get(operationName);
    if (query === undefined) {
      const compiled = compileQuery(this.schema, document, operationName);
      query = isCompiledQuery(compiled) ? compiled : null;
      operations.set(operationName, query);
    }
    return query;
  }
}

/** Variables written inside object or list literals, e.g. `filter: { objectId: $id }`. */
interface LiteralVariables {
  /** Inside the literal of a scalar (`litellmParams: { rpm: $rpm }` for JSON): graphql-jit drops their values. */
  insideScalar: boolean;
  /**
   * Inside input object or list literals: graphql-jit reads them as graphql-js does when they are given, but passes an
   * omitted one as null where graphql-js leaves the key out (and in a patch, null removes the key).
   */
  names: ReadonlySet<string>;
}

/** Where graphql-jit would read a document's variables differently from graphql-js (see LiteralVariables). */
function literalVariables(schema: GraphQLSchema, document: DocumentNode): LiteralVariables {
  const typeInfo = new TypeInfo(schema);
  const names = new Set<string>();
  let insideScalar = false;
  // One entry per enclosing literal: whether it is (inside) a scalar's value.
  const literals: boolean[] = [];
  const literal = {
    enter() {
      const type = typeInfo.getInputType();
      literals.push(literals.at(-1) === true || !type || isScalarType(getNullableType(type)));
    },
    leave() {
      literals.pop();
    },
  };
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      [Kind.OBJECT]: literal,
      [Kind.LIST]: literal,
      [Kind.VARIABLE](node) {
        if (literals.length === 0) return undefined;
        if (literals.at(-1)) {
          insideScalar = true;
          return BREAK;
        }
        names.add(node.name.value);
        return undefined;
      },
    }),
  );
  return { insideScalar, names };
}
