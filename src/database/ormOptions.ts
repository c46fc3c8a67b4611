// How the ORM is configured, for the server, the migrate command, the CLI config and the tests alike.
import type { EventSubscriber } from '@mikro-orm/core';
import { defineConfig, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { withoutStatements } from '../errors/describeDatabaseError';
import { ENTITIES } from './entities';
import { ProxyModel } from './entities/ProxyModel';
import { MIGRATIONS } from './migrations';
import { prepareStatementsOn } from './readRows';
import { CURRENT_PROXY_SCHEMA, type SchemaFacts } from './schema/SchemaFacts';

/** A database that does not answer a new connection within this long is reported unavailable, not waited on. */
export const DATABASE_CONNECT_TIMEOUT_MS = 10_000;

/** Where the driver's own warnings go (a connection the database closed, say); the console when absent. */
export interface DriverLogger {
  warn(details: object, message: string): void;
}

export interface OrmOptionsInput {
  databaseUrl: string;
  /** PGlite is a single session: give it 1, since more connections interleave statements and return wrong rows. */
  poolSize: number;
  logger?: DriverLogger;
  /**
   * PostgreSQL cancels a statement still running after this long (statement_timeout on every connection), so a
   * request that timed out does not leave its query holding a connection. Migrations lift it for their own
   * transaction. PGlite runs each statement to its end whatever the setting: leave it unset there.
   */
  statementTimeoutMs?: number;
  /**
   * Prepare the repositories' statements by name on each connection (readRows.ts). Off only behind a pooler that
   * hands each transaction another server connection and cannot carry prepared statements (PgBouncer before 1.21).
   */
  preparedStatements?: boolean;
  /** What the database has of the proxy's optional columns; a column it lacks is left unmapped. Default: all of them. */
  schemaFacts?: SchemaFacts;
  /** The ORM's event subscribers (the composition root registers them all: app/createOrm.ts). */
  subscribers?: EventSubscriber[];
}

export function ormOptions({
  databaseUrl,
  poolSize,
  logger,
  statementTimeoutMs,
  preparedStatements = true,
  schemaFacts = CURRENT_PROXY_SCHEMA,
  subscribers = [],
}: OrmOptionsInput): Options {
  return defineConfig({
    clientUrl: databaseUrl,
    entities: ENTITIES,
    extensions: [Migrator],
    subscribers,
    // timestamp(3) without time zone holds UTC, as Prisma writes it.
    forceUtcTimezone: true,
    pool: {
      min: poolSize === 1 ? 1 : 0,
      max: poolSize,
      afterCreate(connection: object, done: (error: Error | null, connection: object) => void) {
        if (preparedStatements) prepareStatementsOn(connection);
        done(null, connection);
      },
    },
    // A connection the database ended (restart, pg_terminate_backend) is dropped from the pool and replaced on the
    // next checkout, so the server recovers by itself. Keep-alive notices a peer that vanished without closing.
    driverOptions: {
      connection: {
        connectionTimeoutMillis: DATABASE_CONNECT_TIMEOUT_MS,
        keepAlive: true,
        ...(statementTimeoutMs ? { statement_timeout: statementTimeoutMs } : {}),
      },
      ...(logger ? { log: driverLog(logger) } : {}),
    },
    // Reads go through the repositories' SELECTs and every change forks its own unit of work in em.transactional:
    // the global EntityManager must never hold an entity by accident.
    allowGlobalContext: false,
    migrations: {
      migrationsList: MIGRATIONS,
      tableName: 'mikro_orm_migrations',
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      silent: true,
    },
    discovery: {
      warnWhenNoEntities: true,
      // An older proxy's model table has no `blocked` column: mapping it would put it in every INSERT and UPDATE.
      onMetadata(meta) {
        if (meta.className === ProxyModel.name && !schemaFacts.modelBlockedColumn) meta.removeProperty('blocked');
      },
    },
    // MikroORM creates a missing database by default: a mistyped DATABASE_URL would then start on an empty
    // database instead of the proxy's. Name an existing one, or fail at start.
    ensureDatabase: false,
    debug: false,
  });
}

/** knex writes its warnings as text, a failed statement and its values included (`Connection Error: Error: insert …`). */
function driverLog(logger: DriverLogger) {
  const warn = (message: unknown) =>
    logger.warn(typeof message === 'object' && message !== null ? { err: message } : { driverMessage: withoutStatements(String(message)) }, 'database driver warning');
  return { warn, error: warn, deprecate: warn, debug: () => undefined };
}
