// Tells every instance which audit entries a transaction wrote: a pg_notify inside that transaction, so PostgreSQL
// delivers it when, and only if, the transaction commits. The payload carries entry ids only, never row data.
import type { EntityManager } from '@mikro-orm/core';

/** The LISTEN/NOTIFY channel of new audit entries. */
export const AUDIT_CHANNEL = 'model_admin_graphql_audit';

/** PostgreSQL refuses a payload of 8000 bytes or more: ids go out in notifications of at most this many. */
const IDS_PER_NOTIFICATION = 100;

interface Announcement {
  /** Ids of LiteLLM_AuditLog rows the committed transaction wrote. */
  ids: string[];
}

/** Adds a pg_notify of these entries to the transaction `em` runs in. */
export async function announceAuditEntries(em: EntityManager, ids: readonly string[], transaction: unknown): Promise<void> {
  for (let start = 0; start < ids.length; start += IDS_PER_NOTIFICATION) {
    const announcement: Announcement = { ids: ids.slice(start, start + IDS_PER_NOTIFICATION) };
    await em.getConnection('write').execute('select pg_notify(?, ?)', [AUDIT_CHANNEL, JSON.stringify(announcement)], 'all', transaction);
  }
}

/** The entry ids of one notification's payload; [] for a payload this API did not write. */
export function announcedAuditEntryIds(payload: string | undefined): string[] {
  try {
    const { ids } = JSON.parse(payload ?? '') as Partial<Announcement>;
    return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : [];
  } catch {
    return [];
  }
}
