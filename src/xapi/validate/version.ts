import { describeJsonType, invalid } from './json-shape.js';

/** The version this LRS answers with (X-Experience-API-Version on responses). */
export const LRS_VERSION = '2.0.0';

/** The latest patch of each major version this LRS conforms to, as GET /about lists them. */
export const SUPPORTED_VERSIONS = ['1.0.3', '2.0.0'] as const;

const VERSION = /^(?:1|2)\.0(?:\.\d+)?$/;

/**
 * Whether a version header or statement version is one this LRS accepts: `1.0`, `1.0.x`, `2.0`
 * or `2.0.x` (xAPI Communication 3.3: `1.0` counts as `1.0.0`; later minor versions are refused).
 */
export function isSupportedVersion(value: string): boolean {
  return VERSION.test(value);
}

/** A statement's `version` (xAPI Data 2.4.10): MUST start with `1.0.` or `2.0.`. */
export function validateStatementVersion(value: unknown, path: string): string {
  if (typeof value !== 'string')
    invalid(path, `must be a version string, not ${describeJsonType(value)}`);
  if (!isSupportedVersion(value)) invalid(path, `must be a 1.0.x or 2.0.x version, not "${value}"`);
  return value;
}
