// What one GraphQL operation may ask for, checked before any resolver runs (graphql-armor). An operation
// over a limit is refused whole, as GRAPHQL_VALIDATION_FAILED (GRAPHQL_PARSE_FAILED for tokens), with HTTP 400.
// Batching is off (app.ts) and the body size is capped (readRequestBody.ts), so these limits bound one request.
import type { ApolloServerOptions, ApolloServerPlugin, BaseContext } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ValidationRule } from 'graphql';

/** Nested selections. The deepest dashboard query, auditLogs { edges { node { model { team { members { userId } } } } } }, is 7. */
export const MAX_QUERY_DEPTH = 10;
/**
 * graphql-armor's static cost: objects 2, scalars 1, ×1.5 per level, × a literal `first`. A page of 100 models with
 * every field, their team and their last few audit entries costs about 22,000; a list nested in a list of 100 goes far over.
 */
export const MAX_QUERY_COST = 50_000;
/** Aliased fields in one operation (a dashboard reading a handful of models side by side uses a few). */
export const MAX_QUERY_ALIASES = 30;
/** Directives (@include, @skip) in one operation. */
export const MAX_QUERY_DIRECTIVES = 20;
/** Lexical tokens in one document: refused while parsing, before a huge document is held as a syntax tree. */
export const MAX_QUERY_TOKENS = 2_000;

export interface QueryLimits {
  plugins: ApolloServerPlugin<BaseContext>[];
  validationRules: ValidationRule[];
  parseOptions: NonNullable<ApolloServerOptions<BaseContext>['parseOptions']>;
}

export function queryLimits(): QueryLimits {
  const armor = new ApolloArmor({
    maxDepth: { n: MAX_QUERY_DEPTH },
    costLimit: { maxCost: MAX_QUERY_COST },
    maxAliases: { n: MAX_QUERY_ALIASES },
    maxDirectives: { n: MAX_QUERY_DIRECTIVES },
    // Armor's Apollo token plugin throws from parsingDidStart, which Apollo 5 answers as a 500. graphql's own
    // parser enforces the same limit as a syntax error (400), so the limit is set there instead.
    maxTokens: { enabled: false },
    // Armor's masking misses enum-value suggestions and leaves a stray "?": formatError drops every suggestion.
    blockFieldSuggestion: { enabled: false },
  });
  const { plugins, validationRules } = armor.protect();
  return { plugins, validationRules, parseOptions: { maxTokens: MAX_QUERY_TOKENS } };
}
