import type { StatementRef } from '../statement.js';
import { expectObject, invalid, required } from './json-shape.js';
import { expectUuid } from './uuid.js';

/** A Statement Reference (xAPI Data 2.4.4.3): `objectType` `StatementRef` and a UUID `id`. */
export function validateStatementRef(value: unknown, path: string): StatementRef {
  const object = expectObject(value, path, ['objectType', 'id']);
  if (object.objectType !== 'StatementRef') {
    invalid(`${path}.objectType`, 'must be "StatementRef"');
  }
  return { objectType: 'StatementRef', id: required(object, 'id', path, expectUuid) };
}
