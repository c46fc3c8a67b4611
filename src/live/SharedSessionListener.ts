// LISTEN on the embedded database. PGlite is one session: its socket server refuses a second connection, and PGlite's
// in-process listen() hears only statements run through PGlite's own query API, not those arriving over the socket
// (their notifications go out in the socket's raw protocol stream, to the connection whose COMMIT raised them). So
// the LISTEN is issued on that one session through the ORM's own connection, and the notifications are read off that
// connection: every transaction runs on it, so it is the one that receives them.
import type { MikroORM } from '@mikro-orm/postgresql';
import type { ListenerOptions, NotificationListener } from './NotificationListener';

/** What this needs of node-postgres's Client, as knex hands it out. */
interface DriverConnection {
  query(sql: string): Promise<unknown>;
  on(event: 'notification', listener: (message: { channel: string; payload?: string }) => void): unknown;
  off(event: 'notification', listener: (message: { channel: string; payload?: string }) => void): unknown;
}

/** What this needs of knex's client and its tarn pool. */
interface DriverPool {
  acquireConnection(): Promise<unknown>;
  releaseConnection(connection: unknown): Promise<unknown>;
  pool?: { on(event: 'createSuccess', listener: (eventId: number, connection: unknown) => void): void; removeListener(event: 'createSuccess', listener: (eventId: number, connection: unknown) => void): void };
}

export class SharedSessionListener implements NotificationListener {
  private readonly attached = new Set<DriverConnection>();
  private stopped = false;

  constructor(
    private readonly orm: MikroORM,
    private readonly options: ListenerOptions,
  ) {}

  private readonly hear = ({ channel, payload }: { channel: string; payload?: string }) => {
    if (channel === this.options.channel && !this.stopped) this.options.handlers.onNotification(payload);
  };

  /** A connection the pool opened in place of a lost one: what was sent to the lost one was not heard. */
  private readonly replaced = (_eventId: number, connection: unknown) => {
    if (this.stopped) return;
    const driverConnection = connection as DriverConnection;
    this.attach(driverConnection);
    driverConnection.query(this.listenStatement()).then(
      () => this.options.handlers.onResumedAfterGap(),
      (error: Error) => this.options.logger.warn({ err: { message: error.message } }, 'could not LISTEN on the new embedded database connection'),
    );
  };

  async start(): Promise<void> {
    const driver = this.driver();
    driver.pool?.on('createSuccess', this.replaced);
    const connection = (await driver.acquireConnection()) as DriverConnection;
    try {
      this.attach(connection);
      await connection.query(this.listenStatement());
    } finally {
      await driver.releaseConnection(connection);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.driver().pool?.removeListener('createSuccess', this.replaced);
    for (const connection of this.attached) connection.off('notification', this.hear);
    this.attached.clear();
  }

  private attach(connection: DriverConnection): void {
    if (this.attached.has(connection)) return;
    this.attached.add(connection);
    connection.on('notification', this.hear);
  }

  private listenStatement(): string {
    return `LISTEN "${this.options.channel}"`;
  }

  private driver(): DriverPool {
    return this.orm.em.getConnection().getKnex().client as DriverPool;
  }
}
