import { isoTimestamp, readUtcTimestamp } from '../../../src/database/utcTimestamps';

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

describe('readUtcTimestamp against V8 parsing the same text as UTC', () => {
  const texts = [
    '2026-11-26 17:23:47.123',
    '2026-11-26 17:23:47.1',
    '2026-11-26 17:23:47.12',
    '2026-11-26 17:23:47',
    '1970-01-01 00:00:00',
    '1999-12-31 23:59:59.999',
    '2024-02-29 12:00:00.5',
    '0999-06-01 10:00:00.000',
    '0050-01-01 00:00:00',
  ];
  it.each(texts)('%s', (text) => {
    expect(readUtcTimestamp(text).getTime()).toBe(new Date(`${text}+00:00`).getTime());
  });

  it('hands text it does not recognise to V8 (an offset, a T, more digits)', () => {
    expect(readUtcTimestamp('2026-11-26 17:23:47.123456').getTime()).toBe(new Date('2026-11-26 17:23:47.123456+00:00').getTime());
    expect(readUtcTimestamp('2026-11-26T17:23:47').toISOString()).toBe('2026-11-26T17:23:47.000Z');
  });
});

describe('isoTimestamp', () => {
  it('equals Date#toISOString over many dates', () => {
    for (let index = 0; index < 2000; index += 1) {
      const date = new Date(Date.UTC(1000 + ((index * 37) % 9000), index % 12, 1 + (index % 28), index % 24, (index * 7) % 60, (index * 13) % 60, (index * 97) % 1000));
      expect(isoTimestamp(date)).toBe(date.toISOString());
    }
  });

  it('falls back to Date#toISOString outside the years 1000-9999, and throws for an invalid Date as it does', () => {
    const early = new Date(Date.UTC(999, 0, 1));
    const late = new Date(Date.UTC(12000, 0, 1));
    expect(isoTimestamp(early)).toBe(early.toISOString());
    expect(isoTimestamp(late)).toBe(late.toISOString());
    expect(() => isoTimestamp(new Date(Number.NaN))).toThrow(RangeError);
  });
});
