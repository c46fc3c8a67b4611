// LISTEN on a PostgreSQL connection of its own (outside the ORM's pool, so no request ever waits for it). A dropped
// connection (restart, pg_terminate_backend, network) is reopened with exponential backoff; once LISTEN holds again,
// the handlers hear that a gap happened.
import { Client } from 'pg';
import { DATABASE_CONNECT_TIMEOUT_MS } from '../database/ormOptions';
import type { ListenerOptions, NotificationListener } from './NotificationListener';

export class DedicatedConnectionListener implements NotificationListener {
  private client: Client | undefined;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly databaseUrl: string,
    private readonly options: ListenerOptions,
  ) {}

  async start(): Promise<void> {
    this.client = await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<Client> {
    const client = new Client({
      connectionString: this.databaseUrl,
      connectionTimeoutMillis: DATABASE_CONNECT_TIMEOUT_MS,
      keepAlive: true,
      application_name: 'model-admin-graphql listener',
    });
    client.on('notification', ({ channel, payload }) => {
      if (channel === this.options.channel) this.options.handlers.onNotification(payload);
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN "${this.options.channel}"`);
      return client;
    } catch (error) {
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
      throw error;
    }
  }

  private lost(client: Client, error?: Error): void {
    if (this.stopped || this.client !== client) return;
    this.client = undefined;
    this.options.logger.warn({ err: error ? { code: (error as { code?: string }).code, message: error.message } : undefined }, 'lost the database notification connection: reconnecting');
    this.retry(this.options.backoff.initialMs);
  }

  private retry(waitMs: number): void {
    this.retryTimer = setTimeout(() => {
      this.connect().then(
        (client) => {
          if (this.stopped) return void client.end().catch(() => undefined);
          this.client = client;
          this.options.logger.info({}, 'database notifications are back: subscribers are told events may have been missed');
          this.options.handlers.onResumedAfterGap();
        },
        () => {
          if (!this.stopped) this.retry(Math.min(waitMs * 2, this.options.backoff.maxMs));
        },
      );
    }, waitMs);
    this.retryTimer.unref();
  }
}
