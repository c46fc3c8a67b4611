// For tests of the ORM layer below the API (the audit subscriber, readRows): a fresh migrated database and a
// MikroORM over it configured as the server configures its own.
import { MikroORM, type Options } from '@mikro-orm/postgresql';
import { ormSubscribers } from '../../src/app/createOrm';
import { ormOptions } from '../../src/database/ormOptions';
import { createTestDatabase, type DatabaseKind, type TestDatabase } from './testDatabases';

export interface OrmHandle {
  database: TestDatabase;
  orm: MikroORM;
}

/** A database and a migrated ORM over it for the enclosing describe block; `options` (read in beforeAll) go on top of the server's. */
export function ormForEachFile(kind: DatabaseKind, options: () => Partial<Options> = () => ({})): OrmHandle {
  const handle = {} as OrmHandle;
  beforeAll(async () => {
    handle.database = await createTestDatabase(kind);
    handle.orm = await MikroORM.init({ ...ormOptions({ databaseUrl: handle.database.url, poolSize: handle.database.poolSize, subscribers: ormSubscribers() }), ...options() });
    await handle.orm.getMigrator().up();
  });
  afterAll(async () => {
    await handle.orm?.close(true);
    await handle.database?.drop();
  });
  return handle;
}
