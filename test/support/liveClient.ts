// A graphql-ws client over a raw `ws` socket, as a dashboard speaks it (the graphql-transport-ws protocol), kept
// small so a test sees every message and the exact close code.
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import type { GraphqlError } from './testServer';
import { TEST_MASTER_KEY } from './testServer';

export interface LiveResult<Data = Record<string, any>> {
  data?: Data | null;
  errors?: GraphqlError[];
}

export interface SocketClose {
  code: number;
  reason: string;
}

export interface LiveSubscription<Data = Record<string, any>> {
  id: string;
  /** The next `next` payload, or rejects after `timeoutMs`. */
  next(timeoutMs?: number): Promise<LiveResult<Data>>;
  /** Resolves with nothing if no payload arrives within `ms` (fails the test otherwise). */
  expectSilence(ms: number): Promise<void>;
  /** The errors of an `error` message that ended it, when one came. */
  ended: Promise<{ errors?: GraphqlError[] }>;
  complete(): void;
}

export interface LiveConnection {
  socket: WebSocket;
  /** Resolves when the server acknowledged connection_init. */
  acknowledged: Promise<void>;
  closed: Promise<SocketClose>;
  subscribe<Data = Record<string, any>>(query: string, variables?: Record<string, unknown>): LiveSubscription<Data>;
  close(): Promise<SocketClose>;
}

export const DEFAULT_WAIT_MS = 5_000;

/** The WebSocket URL of a test server's /graphql. */
export function liveUrl(baseUrl: string): string {
  return `${baseUrl.replace(/^http/, 'ws')}/graphql`;
}

/** Opens a connection and sends connection_init; `key` null sends none. `payload` replaces the default one. */
export function openLive(baseUrl: string, key: string | null = TEST_MASTER_KEY, options: { payload?: Record<string, unknown>; origin?: string } = {}): LiveConnection {
  const socket = new WebSocket(liveUrl(baseUrl), 'graphql-transport-ws', options.origin ? { origin: options.origin } : {});
  const payload = options.payload ?? (key ? { Authorization: `Bearer ${key}` } : {});
  const queues = new Map<string, { results: LiveResult[]; waiters: ((result: LiveResult) => void)[]; end: (errors?: GraphqlError[]) => void }>();
  let acknowledge!: () => void;
  const acknowledged = new Promise<void>((resolve) => (acknowledge = resolve));
  const closed = new Promise<SocketClose>((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  // Opening fails with an HTTP status (an origin refused): seen as a close with code 1006.
  socket.on('error', () => undefined);
  socket.once('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload })));
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as { type: string; id?: string; payload?: any };
    if (message.type === 'connection_ack') return acknowledge();
    if (message.type === 'ping') return socket.send(JSON.stringify({ type: 'pong' }));
    const queue = message.id ? queues.get(message.id) : undefined;
    if (!queue) return;
    if (message.type === 'next') {
      const waiter = queue.waiters.shift();
      if (waiter) waiter(message.payload);
      else queue.results.push(message.payload);
    } else if (message.type === 'error') queue.end(message.payload);
    else if (message.type === 'complete') queue.end();
  });

  return {
    socket,
    acknowledged,
    closed,
    subscribe<Data>(query: string, variables?: Record<string, unknown>): LiveSubscription<Data> {
      const id = randomUUID();
      let end!: (errors?: GraphqlError[]) => void;
      const ended = new Promise<{ errors?: GraphqlError[] }>((resolve) => (end = (errors) => resolve({ errors })));
      const queue = { results: [] as LiveResult[], waiters: [] as ((result: LiveResult) => void)[], end };
      queues.set(id, queue);
      void acknowledged.then(() => socket.send(JSON.stringify({ id, type: 'subscribe', payload: { query, variables } })));
      return {
        id,
        ended,
        next(timeoutMs = DEFAULT_WAIT_MS) {
          const ready = queue.results.shift();
          if (ready) return Promise.resolve(ready as LiveResult<Data>);
          return new Promise<LiveResult<Data>>((resolve, reject) => {
            const waiter = (result: LiveResult) => {
              clearTimeout(timer);
              resolve(result as LiveResult<Data>);
            };
            const timer = setTimeout(() => {
              queue.waiters.splice(queue.waiters.indexOf(waiter), 1);
              reject(new Error(`no event within ${timeoutMs} ms`));
            }, timeoutMs);
            queue.waiters.push(waiter);
          });
        },
        async expectSilence(ms: number) {
          await new Promise((resolve) => setTimeout(resolve, ms));
          if (queue.results.length) throw new Error(`expected no event, got ${JSON.stringify(queue.results)}`);
        },
        complete() {
          socket.send(JSON.stringify({ id, type: 'complete' }));
        },
      };
    },
    async close() {
      if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING) socket.close(1000);
      return closed;
    },
  };
}
