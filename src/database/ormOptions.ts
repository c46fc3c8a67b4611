// How the ORM is configured, for the server, the migrate command, the CLI config and the tests alike.
import { defineConfig, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { AuditSubscriber } from '../audit/AuditSubscriber';
import { withoutStatements } from './describeDatabaseError';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

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
}

export function ormOptions({ databaseUrl, poolSize, logger, statementTimeoutMs }: OrmOptionsInput): Options {
  return defineConfig({
    clientUrl: databaseUrl,
    entities: ENTITIES,
    extensions: [Migrator],
    // Always on: every ORM the server, the migrate command and the tests create writes the audit trail.
    subscribers: [new AuditSubscriber()],
    // timestamp(3) without time zone holds UTC, as Prisma writes it.
    forceUtcTimezone: true,
    pool: { min: poolSize === 1 ? 1 : 0, max: poolSize },
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
    // Each request forks its own EntityManager; the global one must never be used by accident.
    allowGlobalContext: false,
    migrations: {
      migrationsList: MIGRATIONS,
      tableName: 'mikro_orm_migrations',
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      silent: true,
    },
    discovery: { warnWhenNoEntities: true },
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
