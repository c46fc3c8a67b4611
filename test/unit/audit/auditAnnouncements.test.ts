// The payload of the audit channel: entry ids only, and nothing else read from a payload this API did not write.
import { announcedAuditEntryIds } from '../../../src/audit/auditAnnouncements';

describe('announcedAuditEntryIds', () => {
  it('reads the entry ids of a payload the audit hook wrote', () => {
    expect(announcedAuditEntryIds('{"ids":["a","b"]}')).toEqual(['a', 'b']);
  });

  it.each([undefined, '', 'not json', '{"ids":"a"}', '[1,2]', 'null'])('reads no id from %p', (payload) => {
    expect(announcedAuditEntryIds(payload)).toEqual([]);
  });

  it('skips ids that are not strings', () => {
    expect(announcedAuditEntryIds('{"ids":["a",1,null,{"x":1}]}')).toEqual(['a']);
  });
});
