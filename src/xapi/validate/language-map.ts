import { describeJsonType, expectObject, expectString, invalid } from './json-shape.js';
import type { LanguageMap } from '../statement.js';

/**
 * RFC 5646 `langtag` and private-use tags, by the token lengths of its ABNF: language (2-3
 * letters with up to three extlangs, or 4-8 letters), script, region, variants, extensions,
 * private use. xAPI Data 2.2: the LRS MUST at least validate the sequence of token lengths.
 */
const LANGUAGE_TAG = new RegExp(
  '^(?:' +
    '(?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4,8})' +
    '(?:-[a-z]{4})?' +
    '(?:-(?:[a-z]{2}|[0-9]{3}))?' +
    '(?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*' +
    '(?:-[0-9a-wy-z](?:-[a-z0-9]{2,8})+)*' +
    '(?:-x(?:-[a-z0-9]{1,8})+)?' +
    '|x(?:-[a-z0-9]{1,8})+' +
    ')$',
  'i',
);

/** RFC 5646 section 2.2.8: irregular grandfathered tags that the pattern above does not cover. */
const IRREGULAR_GRANDFATHERED = new Set([
  'en-gb-oed',
  'i-ami',
  'i-bnn',
  'i-default',
  'i-enochian',
  'i-hak',
  'i-klingon',
  'i-lux',
  'i-mingo',
  'i-navajo',
  'i-pwn',
  'i-tao',
  'i-tay',
  'i-tsu',
  'sgn-be-fr',
  'sgn-be-nl',
  'sgn-ch-de',
]);

export function isLanguageTag(value: string): boolean {
  return LANGUAGE_TAG.test(value) || IRREGULAR_GRANDFATHERED.has(value.toLowerCase());
}

export function expectLanguageTag(value: unknown, path: string): string {
  if (typeof value !== 'string') {
    invalid(path, `must be an RFC 5646 language tag, not ${describeJsonType(value)}`);
  }
  if (!isLanguageTag(value)) invalid(path, `must be an RFC 5646 language tag, not "${value}"`);
  return value;
}

/** A language map (xAPI Data 4.2): RFC 5646 tags to strings. Returned as a copy. */
export function validateLanguageMap(value: unknown, path: string): LanguageMap {
  const map = expectObject(value, path);
  const copy: LanguageMap = {};
  for (const [tag, text] of Object.entries(map)) {
    if (!isLanguageTag(tag))
      invalid(path, `has a key "${tag}" that is not an RFC 5646 language tag`);
    copy[tag] = expectString(text, `${path}["${tag}"]`);
  }
  return copy;
}
