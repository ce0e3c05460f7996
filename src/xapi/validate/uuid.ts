import { isUuid } from '../../shared/uuid.js';
import { describeJsonType, invalid } from './json-shape.js';

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
