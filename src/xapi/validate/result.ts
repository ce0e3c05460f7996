import type { Result, Score } from '../statement.js';
import { validateDuration } from './duration.js';
import { validateExtensions } from './extensions.js';
import {
  expectBoolean,
  expectNumber,
  expectObject,
  expectString,
  invalid,
  optional,
  withoutUndefined,
} from './json-shape.js';

/** A Result (xAPI Data 2.4.5). */
export function validateResult(value: unknown, path: string): Result {
  const object = expectObject(value, path, [
    'score',
    'success',
    'completion',
    'response',
    'duration',
    'extensions',
  ]);
  return withoutUndefined({
    score: optional(object, 'score', path, validateScore),
    success: optional(object, 'success', path, expectBoolean),
    completion: optional(object, 'completion', path, expectBoolean),
    response: optional(object, 'response', path, expectString),
    duration: optional(object, 'duration', path, validateDuration),
    extensions: optional(object, 'extensions', path, validateExtensions),
  });
}

/**
 * A Score (xAPI Data 2.4.5.1): `scaled` from -1 to 1 inclusive, `min` less than `max`, and
 * `raw` between them (inclusive) when they are given.
 */
export function validateScore(value: unknown, path: string): Score {
  const object = expectObject(value, path, ['scaled', 'raw', 'min', 'max']);
  const score = withoutUndefined({
    scaled: optional(object, 'scaled', path, expectNumber),
    raw: optional(object, 'raw', path, expectNumber),
    min: optional(object, 'min', path, expectNumber),
    max: optional(object, 'max', path, expectNumber),
  });
  const { scaled, raw, min, max } = score;
  if (scaled !== undefined && (scaled < -1 || scaled > 1)) {
    invalid(`${path}.scaled`, 'must be between -1 and 1');
  }
  if (min !== undefined && max !== undefined && !(min < max)) {
    invalid(`${path}.min`, `must be less than max (${max})`);
  }
  if (raw !== undefined && min !== undefined && raw < min) {
    invalid(`${path}.raw`, `must not be less than min (${min})`);
  }
  if (raw !== undefined && max !== undefined && raw > max) {
    invalid(`${path}.raw`, `must not be greater than max (${max})`);
  }
  return score;
}
