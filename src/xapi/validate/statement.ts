import {
  VOIDED_VERB_ID,
  type Actor,
  type Statement,
  type StatementObject,
  type SubStatement,
} from '../statement.js';
import { identifierOf, validateActor } from './actor.js';
import { validateAttachments } from './attachments.js';
import { validateContext } from './context.js';
import {
  expectObject,
  has,
  invalid,
  optional,
  required,
  withoutUndefined,
  type JsonObject,
} from './json-shape.js';
import { validateStatementObject } from './object.js';
import { validateResult } from './result.js';
import { validateTimestamp } from './timestamp.js';
import { expectUuid } from './uuid.js';
import { validateVerb } from './verb.js';
import { validateStatementVersion } from './version.js';

const PART_KEYS = ['actor', 'verb', 'object', 'result', 'context', 'timestamp', 'attachments'];
const STATEMENT_KEYS = ['id', ...PART_KEYS, 'stored', 'authority', 'version'];
const LRS_ASSIGNED_KEYS = ['id', 'stored', 'version', 'authority'];

/**
 * Validates one statement against xAPI 2.0 (IEEE 9274.1.1) Data section 2.4, accepting 1.0.x
 * statements too, and returns it normalised: only the properties that were sent, context
 * activities as arrays, UUIDs in lower case. `path` names the statement in messages
 * (`statement`, or `statement[2]` in a batch).
 *
 * Throws XapiStatementInvalidError naming the first invalid field. `stored` and `authority` are
 * checked but kept as sent; the store overwrites them (xAPI Data 2.4.8, 2.4.9).
 */
export function validateStatement(value: unknown, path = 'statement'): Statement {
  const object = expectObject(value, path, STATEMENT_KEYS);
  const parts = validateStatementParts(object, path, validateSubStatement);
  return withoutUndefined({
    id: optional(object, 'id', path, expectUuid),
    ...parts,
    stored: optional(object, 'stored', path, validateTimestamp),
    authority: optional(object, 'authority', path, validateAuthority),
    version: optional(object, 'version', path, validateStatementVersion),
  });
}

/**
 * Validates a request body holding one statement or an array of them (xAPI Communication
 * 2.1.2), naming each `statement[i]` in a batch.
 */
export function validateStatements(body: unknown): Statement[] {
  return Array.isArray(body)
    ? body.map((item, index) => validateStatement(item, `statement[${index}]`))
    : [validateStatement(body)];
}

/**
 * A SubStatement (xAPI Data 2.4.4.3): validated as a statement, but it MUST NOT have the id,
 * stored, version or authority properties, nor contain a SubStatement.
 */
function validateSubStatement(value: unknown, path: string): SubStatement {
  const object = expectObject(value, path);
  for (const key of LRS_ASSIGNED_KEYS) {
    if (has(object, key)) invalid(`${path}.${key}`, 'is not allowed in a SubStatement');
  }
  expectObject(object, path, ['objectType', ...PART_KEYS]);
  return {
    objectType: 'SubStatement',
    ...(validateStatementParts(object, path, null) as Omit<SubStatement, 'objectType'>),
  };
}

interface StatementParts {
  actor: Actor;
  verb: Statement['verb'];
  object: StatementObject;
  result?: Statement['result'];
  context?: Statement['context'];
  timestamp?: string;
  attachments?: Statement['attachments'];
}

function validateStatementParts(
  object: JsonObject,
  path: string,
  subStatement: ((value: unknown, path: string) => SubStatement) | null,
): StatementParts {
  const actor = required(object, 'actor', path, validateActor);
  const verb = required(object, 'verb', path, validateVerb);
  const statementObject = required(object, 'object', path, (value, objectPath) =>
    validateStatementObject(value, objectPath, subStatement),
  );
  // xAPI Data 2.3.2: the object of a voiding statement MUST be a StatementRef.
  if (verb.id === VOIDED_VERB_ID && statementObject.objectType !== 'StatementRef') {
    invalid(
      `${path}.object.objectType`,
      'must be "StatementRef" in a statement that voids another',
    );
  }
  const isObjectActivity =
    statementObject.objectType === undefined || statementObject.objectType === 'Activity';
  return withoutUndefined({
    actor,
    verb,
    object: statementObject,
    result: optional(object, 'result', path, validateResult),
    context: optional(object, 'context', path, (value, contextPath) =>
      validateContext(value, contextPath, { isObjectActivity }),
    ),
    timestamp: optional(object, 'timestamp', path, validateTimestamp),
    attachments: optional(object, 'attachments', path, validateAttachments),
  });
}

/**
 * xAPI Data 2.4.9: an authority is an Agent, or a Group only in the OAuth 3-legged case: an
 * anonymous group of exactly two Agents (the application and the user).
 */
function validateAuthority(value: unknown, path: string): Actor {
  const authority = validateActor(value, path);
  if (authority.objectType === 'Group') {
    if (identifierOf(authority)) invalid(path, 'as a Group must be an anonymous group');
    if (authority.member?.length !== 2) {
      invalid(`${path}.member`, 'of an authority Group must list exactly two Agents');
    }
  }
  return authority;
}
