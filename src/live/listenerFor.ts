// Picks how this instance holds its one LISTEN, by the database it runs on.
import type { MikroORM } from '@mikro-orm/postgresql';
import { DedicatedConnectionListener } from './DedicatedConnectionListener';
import type { ListenerOptions, NotificationListener } from './NotificationListener';
import { SharedSessionListener } from './SharedSessionListener';

/**
 * PostgreSQL: a connection of its own, outside the pool. PGlite (the embedded database, or any served over its socket)
 * is one session: a second connection is refused, so the LISTEN is issued on that session and heard on the ORM's own
 * connection.
 */
export async function listenerFor(orm: MikroORM, databaseUrl: string, options: ListenerOptions): Promise<NotificationListener> {
  const [{ version }] = await orm.em.getConnection().execute<{ version: string }[]>('SELECT version() AS version');
  return String(version).includes('PGlite') ? new SharedSessionListener(orm, options) : new DedicatedConnectionListener(databaseUrl, options);
}
