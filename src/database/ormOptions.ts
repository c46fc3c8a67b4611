// How the ORM is configured, for the server, the migrate command, the CLI config and the tests alike.
import { defineConfig, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { AuditSubscriber } from '../audit/AuditSubscriber';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

export interface OrmOptionsInput {
  databaseUrl: string;
  /** PGlite is a single session: give it 1, since more connections interleave statements and return wrong rows. */
  poolSize: number;
}

export function ormOptions({ databaseUrl, poolSize }: OrmOptionsInput): Options {
  return defineConfig({
    clientUrl: databaseUrl,
    entities: ENTITIES,
    extensions: [Migrator],
    // Always on: every ORM the server, the migrate command and the tests create writes the audit trail.
    subscribers: [new AuditSubscriber()],
    // timestamp(3) without time zone holds UTC, as Prisma writes it.
    forceUtcTimezone: true,
    pool: { min: poolSize === 1 ? 1 : 0, max: poolSize },
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
