// The WebSocket connections of one instance, by API key: who each one is, how many one key holds, and whether its
// key still holds. A key is checked again on every event its connections are about to receive and at least every
// keyRecheckMs; one that was blocked, expired or deleted (or whose user or team was) closes them with 4403.
import type { AuthenticatedPrincipal, Principal } from '../access/Principal';

export interface LiveLimits {
  /** Subscriptions one WebSocket connection may hold at once (LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION). */
  maxSubscriptionsPerConnection: number;
  /** Open WebSocket connections one API key may hold on one instance (LIVE_MAX_CONNECTIONS_PER_KEY). */
  maxConnectionsPerKey: number;
  /** Longest time between two checks of a connection's key (LIVE_KEY_RECHECK_MS). */
  keyRecheckMs: number;
}

/** graphql-ws's own codes for a connection_init without a valid key, and for a key no longer valid. */
export const CLOSE_UNAUTHORIZED = 4401;
export const CLOSE_FORBIDDEN = 4403;
/** More connections for one key than maxConnectionsPerKey (graphql-ws clients do not retry it). */
export const CLOSE_TOO_MANY_CONNECTIONS = 4429;

export type CloseSocket = (code: number, reason: string) => void;

export interface LiveConnectionLog {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
}

export class LiveSession {
  /** Ids of the subscriptions running on this connection. */
  readonly subscriptions = new Set<string>();
  closed = false;

  constructor(
    readonly apiKey: string,
    public principal: AuthenticatedPrincipal,
    readonly close: CloseSocket,
  ) {}
}

export class LiveConnections {
  private readonly byKeyHash = new Map<string, Set<LiveSession>>();
  /** The check of each key for the latest event, shared by all of the key's connections. */
  private readonly eventChecks = new Map<string, { sequence: number; principal: Promise<Principal> }>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly resolve: (apiKey: string | undefined) => Promise<Principal>,
    readonly limits: LiveLimits,
    private readonly log: LiveConnectionLog,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.recheckEveryKey(), this.limits.keyRecheckMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** The session of a connection whose connection_init carried `apiKey`; undefined once the socket was closed instead. */
  async open(apiKey: string | undefined, close: CloseSocket): Promise<LiveSession | undefined> {
    const principal = await this.resolve(apiKey);
    if (!principal.authenticated) {
      this.log.info({ reason: principal.reason }, 'refused a WebSocket connection: no valid API key');
      close(CLOSE_UNAUTHORIZED, 'Unauthorized: send a valid API key in connection_init (Authorization or x-litellm-api-key)');
      return undefined;
    }
    const sessions = this.byKeyHash.get(principal.keyHash) ?? new Set<LiveSession>();
    if (sessions.size >= this.limits.maxConnectionsPerKey) {
      close(CLOSE_TOO_MANY_CONNECTIONS, `Too many connections for this API key (at most ${this.limits.maxConnectionsPerKey} per server)`);
      return undefined;
    }
    const session = new LiveSession(apiKey!, principal, close);
    sessions.add(session);
    this.byKeyHash.set(principal.keyHash, sessions);
    return session;
  }

  release(session: LiveSession): void {
    session.closed = true;
    const sessions = this.byKeyHash.get(session.principal.keyHash);
    sessions?.delete(session);
    if (sessions?.size === 0) {
      this.byKeyHash.delete(session.principal.keyHash);
      this.eventChecks.delete(session.principal.keyHash);
    }
  }

  /** Open connections of this instance. */
  get size(): number {
    let count = 0;
    for (const sessions of this.byKeyHash.values()) count += sessions.size;
    return count;
  }

  /**
   * Who the session acts as for event `sequence`: its key checked once per event (for all of the key's connections);
   * undefined, with every connection of the key closed, when the key no longer holds.
   */
  async principalFor(session: LiveSession, sequence: number): Promise<AuthenticatedPrincipal | undefined> {
    const keyHash = session.principal.keyHash;
    let check = this.eventChecks.get(keyHash);
    if (!check || check.sequence !== sequence) {
      check = { sequence, principal: this.resolve(session.apiKey) };
      this.eventChecks.set(keyHash, check);
    }
    const principal = await check.principal;
    if (session.closed) return undefined;
    return this.apply(keyHash, principal) ? session.principal : undefined;
  }

  private async recheckEveryKey(): Promise<void> {
    for (const [keyHash, sessions] of [...this.byKeyHash]) {
      const [first] = sessions;
      if (!first) continue;
      try {
        this.apply(keyHash, await this.resolve(first.apiKey));
      } catch (error) {
        // A database that does not answer revokes nothing; the next check tries again.
        this.log.warn({ err: { message: (error as Error).message } }, 'could not check the key of a WebSocket connection');
      }
    }
  }

  /** Brings the key's sessions up to date with `principal`; false when it no longer holds (they are closed). */
  private apply(keyHash: string, principal: Principal): boolean {
    const sessions = [...(this.byKeyHash.get(keyHash) ?? [])];
    if (principal.authenticated) {
      for (const session of sessions) session.principal = principal;
      return true;
    }
    if (sessions.length) this.log.info({ reason: principal.reason, connections: sessions.length }, 'closing WebSocket connections whose API key no longer holds');
    for (const session of sessions) {
      this.release(session);
      session.close(CLOSE_FORBIDDEN, 'Forbidden: the API key is no longer valid');
    }
    return false;
  }
}
