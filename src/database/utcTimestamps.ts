// timestamp(3) without time zone columns hold UTC (Prisma, and forceUtcTimezone in ormOptions). A page of 100
// models reads 200 of them and answers them as ISO 8601: V8's own parsing of the driver's text and its
// Date#toISOString were a tenth of the CPU of such a page, so the usual shapes are converted by hand here.

/**
 * A timestamp column's value as the driver hands it over (text such as `2026-11-26 17:23:47.123`) as a Date.
 * Text without an offset is UTC, as MikroORM's own hydrator reads it; text with one is honoured.
 */
export function readUtcTimestamp(value: unknown): Date {
  if (value instanceof Date) return value;
  if (typeof value === 'number') return new Date(value);
  const text = String(value);
  if (isPlainTimestampText(text)) {
    const digits = (from: number, to: number) => {
      let number = 0;
      for (let index = from; index < to; index += 1) number = number * 10 + (text.charCodeAt(index) - 48);
      return number;
    };
    const year = digits(0, 4);
    const milliseconds = text.length === 19 ? 0 : digits(20, text.length) * 10 ** (23 - text.length);
    // Date.UTC reads the years 0-99 as 1900-1999; V8's parser below does not.
    if (year >= 100) return new Date(Date.UTC(year, digits(5, 7) - 1, digits(8, 10), digits(11, 13), digits(14, 16), digits(17, 19), milliseconds));
  }
  const hasZone = text.endsWith('Z') || text.includes('+') || text.lastIndexOf('-') > 10;
  return new Date(hasZone ? text : `${text}+00:00`);
}

/** `YYYY-MM-DD HH:MM:SS` with an optional fraction of 1 to 3 digits, nothing else. */
function isPlainTimestampText(text: string): boolean {
  if (text.length !== 19 && (text.length < 21 || text.length > 23 || text[19] !== '.')) return false;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    const expected = index === 4 || index === 7 ? 45 : index === 10 ? 32 : index === 13 || index === 16 ? 58 : index === 19 ? 46 : -1;
    if (expected >= 0 ? code !== expected : code < 48 || code > 57) return false;
  }
  return true;
}

const twoDigits = (value: number) => (value < 10 ? `0${value}` : `${value}`);

/** Exactly Date#toISOString (`2026-11-26T17:23:47.123Z`), for the years 0000-9999 without the builtin's cost. */
export function isoTimestamp(date: Date): string {
  const year = date.getUTCFullYear();
  if (!(year >= 1000 && year <= 9999)) return date.toISOString(); // also throws for an invalid Date, as it does
  const milliseconds = date.getUTCMilliseconds();
  const fraction = milliseconds < 10 ? `00${milliseconds}` : milliseconds < 100 ? `0${milliseconds}` : `${milliseconds}`;
  return `${year}-${twoDigits(date.getUTCMonth() + 1)}-${twoDigits(date.getUTCDate())}T${twoDigits(date.getUTCHours())}:${twoDigits(date.getUTCMinutes())}:${twoDigits(date.getUTCSeconds())}.${fraction}Z`;
}
