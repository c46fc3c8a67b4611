// How an instance hears the audit entries other transactions committed: one LISTEN per instance, whatever the number
// of subscribers. Two ways to hold it, chosen by the database (see listenerFor).
import type { MikroORM } from '@mikro-orm/postgresql';
import { DedicatedConnectionListener, type ReconnectBackoff } from './DedicatedConnectionListener';
import { SharedSessionListener } from './SharedSessionListener';

export interface NotificationHandlers {
  /** One notification's payload on the channel. */
  onNotification(payload: string | undefined): void;
  /** LISTEN is in effect again after it was lost: what was committed in between was not heard. */
  onResumedAfterGap(): void;
}

export interface NotificationListener {
  /** Resolves once LISTEN is in effect; rejects when it cannot be (the server then does not start). */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface ListenerWarnings {
  warn(details: object, message: string): void;
  info(details: object, message: string): void;
}

export interface ListenerOptions {
  channel: string;
  handlers: NotificationHandlers;
  logger: ListenerWarnings;
  backoff: ReconnectBackoff;
}

/**
 * PostgreSQL: a connection of its own, outside the pool. PGlite (the embedded database, or any served over its socket)
 * is one session: a second connection is refused, so the LISTEN is issued on that session and heard on the ORM's own
 * connection.
 */
export async function listenerFor(orm: MikroORM, databaseUrl: string, options: ListenerOptions): Promise<NotificationListener> {
  const [{ version }] = await orm.em.getConnection().execute<{ version: string }[]>('SELECT version() AS version');
  return String(version).includes('PGlite') ? new SharedSessionListener(orm, options) : new DedicatedConnectionListener(databaseUrl, options);
}
