import type { z } from 'zod';

/** A UTF-16 surrogate without its pair: no Unicode character, and no UTF-8 encoding. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why a text cannot be stored and signed as it is, or null when it can. */
function problemOf(text: string): string | null {
  const surrogate = LONE_SURROGATE.exec(text);
  if (surrogate) {
    const code = surrogate[0].charCodeAt(0).toString(16).toUpperCase();
    return `holds a broken character (a lone surrogate, U+${code}) that is not Unicode text; type or paste it again`;
  }
  if (text.includes('\u0000'))
    return 'holds a NUL character (U+0000), which text cannot hold; remove it';
  return null;
}

/**
 * Finds the first string, or object key, in `value` that is not well-formed text: a lone
 * surrogate (which has no UTF-8 form, so PostgreSQL, JSON-LD canonicalisation and wallets
 * would each see something else) or NUL (which PostgreSQL text cannot store).
 */
export function findMalformedText(
  value: unknown,
  path: readonly PropertyKey[] = [],
): { path: PropertyKey[]; problem: string } | null {
  if (typeof value === 'string') {
    const problem = problemOf(value);
    return problem === null ? null : { path: [...path], problem };
  }
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findMalformedText(item, [...path, index]);
      if (found) return found;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const keyProblem = problemOf(key);
      if (keyProblem !== null) return { path: [...path, key], problem: `name ${keyProblem}` };
      const found = findMalformedText(item, [...path, key]);
      if (found) return found;
    }
  }
  return null;
}

/**
 * A zod refinement for input objects people type: the first malformed text becomes an issue
 * at its path (params `{ malformedText: true }`, for pages to show their own message).
 */
export function refuseMalformedText(value: unknown, context: z.RefinementCtx): void {
  const found = findMalformedText(value);
  if (found) {
    context.addIssue({
      code: 'custom',
      path: found.path,
      message: found.problem,
      params: { malformedText: true },
    });
  }
}
