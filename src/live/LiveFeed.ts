// One instance's fan-out of committed audit entries: each notification names entries by id; they are read once
// here, in commit order, only to route them (which table, which row). What a subscriber receives is read again
// under that subscriber's own principal (liveEvents.ts).
import type { EntityManager } from '@mikro-orm/postgresql';
import { EVERY_TEAM } from '../access/TeamScope';
import { announcedAuditEntryIds } from '../audit/auditAnnouncements';
import { AuditLogRepository, type StoredAuditEntry } from '../audit/AuditLogRepository';
import type { ListenerWarnings, NotificationHandlers } from './NotificationListener';

export type LiveEvent =
  /** An entry that committed; `sequence` numbers the events of this instance, in order. */
  | { kind: 'entry'; entry: StoredAuditEntry; sequence: number }
  /** Notifications were lost for a while: whatever committed then was not heard. */
  | { kind: 'missed'; sequence: number };

export type LiveEventListener = (event: LiveEvent) => void;

export class LiveFeed {
  private readonly listeners = new Set<LiveEventListener>();
  private readonly entries: AuditLogRepository;
  private sequence = 0;
  /** Notifications are read one after the other, so events go out in the order their transactions committed. */
  private delivering: Promise<void> = Promise.resolve();

  constructor(
    em: EntityManager,
    private readonly logger: ListenerWarnings,
  ) {
    this.entries = new AuditLogRepository(em);
  }

  readonly handlers: NotificationHandlers = {
    onNotification: (payload) => {
      this.delivering = this.delivering.then(() => this.deliver(payload));
    },
    onResumedAfterGap: () => {
      this.delivering = this.delivering.then(() => this.publish({ kind: 'missed', sequence: this.next() }));
    },
  };

  /** Calls `listener` with every event from now on; returns the function that stops it. */
  subscribe(listener: LiveEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get subscriberCount(): number {
    return this.listeners.size;
  }

  private async deliver(payload: string | undefined): Promise<void> {
    // No one to tell: the entries are not read (every change of every instance is announced to every instance).
    if (this.listeners.size === 0) return;
    for (const id of announcedAuditEntryIds(payload)) {
      let entry: StoredAuditEntry | null;
      try {
        entry = await this.entries.findById(EVERY_TEAM, id);
      } catch (error) {
        this.logger.warn({ err: { message: (error as Error).message }, auditLogId: id }, 'could not read an announced audit entry: subscribers are told events may have been missed');
        this.publish({ kind: 'missed', sequence: this.next() });
        continue;
      }
      if (entry) this.publish({ kind: 'entry', entry, sequence: this.next() });
    }
  }

  private next(): number {
    this.sequence += 1;
    return this.sequence;
  }

  private publish(event: LiveEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
