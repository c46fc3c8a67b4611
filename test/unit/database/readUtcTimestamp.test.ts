import { readUtcTimestamp } from '../../../src/database/hydrateForReading';

describe('readUtcTimestamp', () => {
  it('reads timestamp(3) text without an offset as UTC, whatever the process time zone', () => {
    expect(readUtcTimestamp('2026-11-26 17:23:47.123').toISOString()).toBe('2026-11-26T17:23:47.123Z');
    expect(readUtcTimestamp('2026-01-02 03:04:05').toISOString()).toBe('2026-01-02T03:04:05.000Z');
  });

  it('honours an offset or Z that the text carries', () => {
    expect(readUtcTimestamp('2026-11-26 17:23:47.123+02').toISOString()).toBe('2026-11-26T15:23:47.123Z');
    expect(readUtcTimestamp('2026-11-26T17:23:47.123-05:00').toISOString()).toBe('2026-11-26T22:23:47.123Z');
    expect(readUtcTimestamp('2026-11-26T17:23:47.123Z').toISOString()).toBe('2026-11-26T17:23:47.123Z');
  });

  it('passes a Date through and reads epoch milliseconds', () => {
    const date = new Date(0);
    expect(readUtcTimestamp(date)).toBe(date);
    expect(readUtcTimestamp(1_000).toISOString()).toBe('1970-01-01T00:00:01.000Z');
  });
});
