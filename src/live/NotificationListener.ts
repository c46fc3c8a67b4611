// How an instance hears the audit entries other transactions committed: one LISTEN per instance, whatever the number
// of subscribers. Two ways to hold it, chosen by the database (listenerFor.ts).

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

export interface ReconnectBackoff {
  /** Wait before the first reconnect attempt. */
  initialMs: number;
  /** Longest wait between attempts (the wait doubles up to it). */
  maxMs: number;
}

export const DEFAULT_RECONNECT_BACKOFF: ReconnectBackoff = { initialMs: 100, maxMs: 10_000 };

export interface ListenerOptions {
  channel: string;
  handlers: NotificationHandlers;
  logger: ListenerWarnings;
  backoff: ReconnectBackoff;
}
