import { expectObject, invalid } from './json-shape.js';
import { isIri } from './iri.js';
import type { Extensions } from '../statement.js';

/**
 * An extensions map (xAPI Data 4.1): keys MUST be IRIs; values are any JSON, null included,
 * and the LRS MUST NOT reject a statement because of them. Returned as a copy.
 */
export function validateExtensions(value: unknown, path: string): Extensions {
  const map = expectObject(value, path);
  for (const key of Object.keys(map)) {
    if (!isIri(key)) invalid(path, `has a key "${key}" that is not an IRI`);
  }
  return Object.fromEntries(Object.entries(map));
}
