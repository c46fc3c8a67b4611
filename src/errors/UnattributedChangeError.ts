// Raised inside a flush that changes an audited table with no actor set: the flush, and so its
// transaction, fails rather than write a change the audit trail cannot name an author for.
export class UnattributedChangeError extends Error {
  override name = 'UnattributedChangeError';

  static noActor(tableNames: readonly string[]): UnattributedChangeError {
    return new UnattributedChangeError(
      `A change to ${[...new Set(tableNames)].join(', ')} cannot be attributed: no acting user is set (run the change in actingAs, or through auditedTransaction).`,
    );
  }
}
