import { describeJsonType, invalid } from './json-shape.js';

const NUMBER = String.raw`\d+(?:[.,]\d+)?`;
/** ISO 8601:2004 4.4.3.2 durations: PnYnMnDTnHnMnS with any part omitted, or PnW. */
const DURATION = new RegExp(
  `^P(?:(${NUMBER})W|(?:(${NUMBER})Y)?(?:(${NUMBER})M)?(?:(${NUMBER})D)?` +
    `(?:(T)(?:(${NUMBER})H)?(?:(${NUMBER})M)?(?:(${NUMBER})S)?)?)$`,
);

/**
 * Whether `text` is an ISO 8601 duration in the format of ISO 8601:2004 section 4.4.3.2, which
 * xAPI Data 4.6 requires (the alternative format of 4.4.3.3 MUST NOT be used). At least one part
 * must be present, a `T` must be followed by a time part, and only the last part may have a
 * decimal fraction.
 */
export function isDuration(text: string): boolean {
  const match = DURATION.exec(text);
  if (!match) return false;
  const [, weeks, years, months, days, timeDesignator, hours, minutes, seconds] = match;
  const timeParts = [hours, minutes, seconds].filter((part) => part !== undefined);
  if (timeDesignator !== undefined && timeParts.length === 0) return false;
  const parts = [weeks, years, months, days, ...timeParts].filter((part) => part !== undefined);
  if (parts.length === 0) return false;
  return parts.slice(0, -1).every((part) => !/[.,]/.test(part));
}

/**
 * The duration with seconds cut to 0.01 s precision, for comparing statements: xAPI Data 4.6
 * says precision beyond 0.01 s SHOULD* NOT take part in comparisons.
 */
export function durationForComparison(text: string): string {
  return text.replace(/(\d+)[.,](\d+)S$/, (_all, whole: string, fraction: string) => {
    const kept = fraction.slice(0, 2).replace(/0+$/, '');
    return kept === '' ? `${whole}S` : `${whole}.${kept}S`;
  });
}

/** Checks a Duration (xAPI Data 4.6) and returns it as sent. */
export function validateDuration(value: unknown, path: string): string {
  if (typeof value !== 'string') {
    invalid(path, `must be an ISO 8601 duration string, not ${describeJsonType(value)}`);
  }
  if (!isDuration(value))
    invalid(path, `must be an ISO 8601 duration such as PT1H30M, not "${value}"`);
  return value;
}
