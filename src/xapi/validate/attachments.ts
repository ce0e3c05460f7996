import type { Attachment } from '../statement.js';
import { expectIri, expectIrl } from './iri.js';
import {
  expectArray,
  expectNumber,
  expectObject,
  expectString,
  invalid,
  optional,
  required,
  withoutUndefined,
} from './json-shape.js';
import { validateLanguageMap } from './language-map.js';

const MEDIA_TYPE = /^[A-Za-z0-9!#$&^_.+-]+\/[A-Za-z0-9!#$&^_.+-]+(\s*;.*)?$/;
const HEX = /^[0-9a-f]+$/i;

/** Attachment metadata (xAPI Data 2.4.11), in order. */
export function validateAttachments(value: unknown, path: string): Attachment[] {
  return expectArray(value, path).map((item, index) =>
    validateAttachment(item, `${path}[${index}]`),
  );
}

function validateAttachment(value: unknown, path: string): Attachment {
  const object = expectObject(value, path, [
    'usageType',
    'display',
    'description',
    'contentType',
    'length',
    'sha2',
    'fileUrl',
  ]);
  return withoutUndefined({
    usageType: required(object, 'usageType', path, expectIri),
    display: required(object, 'display', path, validateLanguageMap),
    description: optional(object, 'description', path, validateLanguageMap),
    contentType: required(object, 'contentType', path, (item, itemPath) => {
      const type = expectString(item, itemPath);
      if (!MEDIA_TYPE.test(type))
        invalid(itemPath, `must be an Internet media type, not "${type}"`);
      return type;
    }),
    length: required(object, 'length', path, (item, itemPath) => {
      const length = expectNumber(item, itemPath);
      if (!Number.isInteger(length) || length < 0)
        invalid(itemPath, 'must be a whole number of octets');
      return length;
    }),
    sha2: required(object, 'sha2', path, (item, itemPath) => {
      const digest = expectString(item, itemPath);
      if (!HEX.test(digest)) invalid(itemPath, 'must be a hex-encoded SHA-2 hash');
      return digest;
    }),
    fileUrl: optional(object, 'fileUrl', path, expectIrl),
  });
}
