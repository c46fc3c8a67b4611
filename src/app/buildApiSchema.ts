// Builds the executable schema from the resolvers; the same schema is printed to schema.graphql.
import 'reflect-metadata';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import type { GraphQLSchema } from 'graphql';
import { JSONResolver } from 'graphql-scalars';
import { buildSchemaSync, type NonEmptyArray, type PubSub } from 'type-graphql';
import { enforceAuthDirectives, withAuthDirective } from '../access/Auth';
import { PrincipalResolver } from '../access/principal.resolver';
import { AdminResolver } from '../admin/admin.resolver';
import { AuditLogConnectionTotalCount, AuditLogResolver, ModelHistoryResolver } from '../audit/auditLog.resolver';
import { UndoResolver } from '../audit/undo.resolver';
import { EncryptionResolver } from '../encryption/encryption.resolver';
import { DateTimeScalar } from '../graphql/scalars/DateTime';
import { CredentialResolver } from '../credentials/credential.resolver';
import { LiveResolver } from '../live/live.resolver';
import { CredentialModelsResolver, ModelConnectionTotalCount, ModelResolver } from '../models/model.resolver';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
const RESOLVERS: NonEmptyArray<Function> = [
  PrincipalResolver,
  ModelResolver,
  ModelConnectionTotalCount,
  ModelHistoryResolver,
  AuditLogResolver,
  AuditLogConnectionTotalCount,
  UndoResolver,
  AdminResolver,
  CredentialResolver,
  CredentialModelsResolver,
  EncryptionResolver,
  LiveResolver,
];

/**
 * type-graphql wants a PubSub for any subscription, but every one here brings its own `subscribe` (the instance's
 * LISTEN feed, src/live): no topic is ever published or subscribed to.
 */
const NO_TOPICS: PubSub = {
  publish() {
    throw new Error('Subscriptions here read the database notification feed (src/live); nothing publishes topics.');
  },
  subscribe() {
    throw new Error('Subscriptions here read the database notification feed (src/live); none subscribes to topics.');
  },
};

export function buildApiSchema(): GraphQLSchema {
  return enforceAuthDirectives(
    withAuthDirective(
      buildSchemaSync({
        resolvers: RESOLVERS,
        scalarsMap: [{ type: Date, scalar: DateTimeScalar }, { type: Object, scalar: JSONResolver }],
        validate: false,
        pubSub: NO_TOPICS,
      }),
    ),
  );
}

export function printApiSchema(schema: GraphQLSchema = buildApiSchema()): string {
  return `${printSchemaWithDirectives(schema).trim()}\n`;
}
