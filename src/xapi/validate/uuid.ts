import { describeJsonType, invalid } from './json-shape.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A UUID in the standard string form (xAPI Data 4.4), in any case. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/**
 * Checks a UUID and returns it in lower case. Hexadecimal is case-insensitive, so the case is a
 * difference of serialisation only (xAPI Data 2.3.1, case sensitivity).
 */
export function expectUuid(value: unknown, path: string): string {
  if (typeof value !== 'string')
    invalid(path, `must be a UUID string, not ${describeJsonType(value)}`);
  if (!isUuid(value)) invalid(path, `must be a UUID in standard string form, not "${value}"`);
  return value.toLowerCase();
}
