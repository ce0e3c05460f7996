import { describeJsonType, invalid } from './json-shape.js';

/** ISO 8601 extended format: 2024-05-01T10:20:30.123+02:00 (seconds and fraction optional). */
const EXTENDED =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(Z|[+-]\d{2}(?::\d{2})?)$/;
/** ISO 8601 basic format: 20240501T102030.123+0200. */
const BASIC =
  /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(?:(\d{2})(?:[.,](\d+))?)?(Z|[+-]\d{2}(?:\d{2})?)$/;

/**
 * Parses an xAPI Timestamp (xAPI Data 4.5): an ISO 8601 date and time, in the extended or the
 * basic format, that includes its time zone (`Z` or an offset). `-00:00`, which RFC 3339 uses
 * for "offset unknown", counts as no time zone. Returns the instant in milliseconds since the
 * epoch (precision beyond milliseconds is dropped, as xAPI Data 4.5 allows), or null when the
 * text is not such a timestamp or names a date that does not exist.
 */
export function parseTimestamp(text: string): number | null {
  const match = EXTENDED.exec(text) ?? BASIC.exec(text);
  if (!match) return null;
  const [, year, month, day, hour, minute, second = '0', fraction = '', zone = 'Z'] = match;
  const [y, mo, d, h, mi, s] = [year, month, day, hour, minute, second].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return null;
  if (h > 23 || mi > 59 || s > 59) return null;
  const offsetMinutes = parseOffsetMinutes(zone);
  if (offsetMinutes === null) return null;
  const milliseconds = Number(fraction.slice(0, 3).padEnd(3, '0'));
  const date = new Date(Date.UTC(2000, mo - 1, d, h, mi, s, milliseconds));
  date.setUTCFullYear(y);
  return date.getTime() - offsetMinutes * 60_000;
}

function parseOffsetMinutes(zone: string): number | null {
  if (zone === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2) || '0');
  if (hours > 23 || minutes > 59) return null;
  if (sign === -1 && hours === 0 && minutes === 0) return null;
  return sign * (hours * 60 + minutes);
}

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
}

/** Checks a Timestamp and returns it as sent. */
export function validateTimestamp(value: unknown, path: string): string {
  if (typeof value !== 'string') {
    invalid(path, `must be an ISO 8601 timestamp string, not ${describeJsonType(value)}`);
  }
  if (parseTimestamp(value) === null) {
    invalid(path, `must be an ISO 8601 timestamp with a time zone, not "${value}"`);
  }
  return value;
}
