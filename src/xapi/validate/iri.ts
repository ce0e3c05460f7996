import { describeJsonType, invalid } from './json-shape.js';

const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;
/** Whitespace, control characters and the characters RFC 3987 never allows unescaped. */
const NOT_IN_IRI = /[\s\x00-\x20\x7f-\x9f<>"{}|\\^`]/u;
const PERCENT_NOT_FOLLOWED_BY_TWO_HEX = /%(?![0-9A-Fa-f]{2})/;

/**
 * Best-effort IRI check (xAPI Data 2.2 lets the LRS validate IRIs on a best-effort basis, but it
 * MUST reject IRIs without a scheme): a scheme, something after it, no whitespace, control or
 * forbidden characters, and well-formed percent escapes. Non-ASCII letters are allowed.
 */
export function isIri(value: string): boolean {
  const scheme = SCHEME.exec(value);
  if (!scheme || value.length === scheme[0].length) return false;
  return !NOT_IN_IRI.test(value) && !PERCENT_NOT_FOLLOWED_BY_TWO_HEX.test(value);
}

/** An IRL is an IRI meant to be resolved: it must also parse as a URL. */
export function isIrl(value: string): boolean {
  return isIri(value) && URL.canParse(value);
}

export function expectIri(value: unknown, path: string): string {
  if (typeof value !== 'string')
    invalid(path, `must be an IRI string, not ${describeJsonType(value)}`);
  if (!isIri(value)) invalid(path, `must be an absolute IRI with a scheme, not "${value}"`);
  return value;
}

export function expectIrl(value: unknown, path: string): string {
  if (typeof value !== 'string')
    invalid(path, `must be an IRL string, not ${describeJsonType(value)}`);
  if (!isIrl(value)) invalid(path, `must be an absolute IRL (a resolvable URL), not "${value}"`);
  return value;
}
