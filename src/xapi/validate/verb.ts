import type { Verb } from '../statement.js';
import { expectIri } from './iri.js';
import { expectObject, optional, required, withoutUndefined } from './json-shape.js';
import { validateLanguageMap } from './language-map.js';

/** A Verb (xAPI Data 2.4.3): an `id` IRI and an optional `display` language map. */
export function validateVerb(value: unknown, path: string): Verb {
  const object = expectObject(value, path, ['id', 'display']);
  return withoutUndefined({
    id: required(object, 'id', path, expectIri),
    display: optional(object, 'display', path, validateLanguageMap),
  });
}
