// One subscription's stream: the instance's events, each re-checked and read under the subscriber's own principal,
// exactly as a query of theirs would read it (their AccessGuard, fresh loaders for every event). Events a slow
// subscriber has not taken yet wait in a bounded queue; past it they are dropped and the subscriber told so.
import { AccessGuard } from '../access/AccessGuard';
import type { StoredAuditEntry } from '../audit/AuditLogRepository';
import { ApiError } from '../errors/ApiError';
import type { ApiContext } from '../graphql/context';
import { RequestLoaders } from '../graphql/requestLoaders';
import type { LiveConnections, LiveSession } from './LiveConnections';
import type { LiveEvent, LiveFeed } from './LiveFeed';

/** Events one subscription may have waiting before they are replaced by one EVENTS_MISSED. */
export const MAX_PENDING_EVENTS = 1_000;

/** What the resolvers of a subscription receive: a query's context, plus the connection it came on. */
export interface LiveContext extends ApiContext {
  live: { feed: LiveFeed; connections: LiveConnections; session: LiveSession };
}

/** Yielded in place of a payload: the subscription's field raises `error` (a field error; the stream goes on). */
export class LiveFailure {
  constructor(readonly error: unknown) {}
}

/** Reads what one committed entry means to the subscriber; undefined when it is nothing of theirs. */
export type EventReader<T> = (entry: StoredAuditEntry, context: LiveContext) => Promise<T | undefined>;

export function liveEvents<T>(context: LiveContext, read: EventReader<T>): AsyncIterableIterator<T | LiveFailure> {
  const { feed, connections, session } = context.live;
  const pending: LiveEvent[] = [];
  let wake: (() => void) | undefined;
  let finished = false;
  const unsubscribe = feed.subscribe((event) => {
    if (pending.length >= MAX_PENDING_EVENTS) pending.splice(0, pending.length, { kind: 'missed', sequence: event.sequence });
    else pending.push(event);
    wake?.();
  });
  const finish = () => {
    finished = true;
    unsubscribe();
    wake?.();
  };

  async function next(): Promise<IteratorResult<T | LiveFailure>> {
    while (!finished) {
      const event = pending.shift();
      if (!event) {
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        continue;
      }
      try {
        const principal = await connections.principalFor(session, event.sequence);
        // The key no longer holds: its connections are being closed with 4403.
        if (!principal) break;
        context.principal = principal;
        context.access = new AccessGuard(principal);
        context.loaders = new RequestLoaders<ApiContext>(() => context);
        if (event.kind === 'missed') return { value: new LiveFailure(ApiError.eventsMissed()), done: false };
        const value = await read(event.entry, context);
        if (value !== undefined) return { value, done: false };
      } catch (error) {
        return { value: new LiveFailure(error), done: false };
      }
    }
    finish();
    return { value: undefined, done: true };
  }

  return {
    next,
    async return() {
      finish();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
