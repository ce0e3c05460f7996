import type { Account, Actor, Agent, Group, InverseFunctionalIdentifier } from '../statement.js';
import { expectIri, expectIrl } from './iri.js';
import {
  describeJsonType,
  expectArray,
  expectNonEmptyString,
  expectObject,
  expectString,
  has,
  invalid,
  optional,
  required,
  withoutUndefined,
  type JsonObject,
} from './json-shape.js';

const IFI_KEYS = ['mbox', 'mbox_sha1sum', 'openid', 'account'] as const;
const AGENT_KEYS = ['objectType', 'name', ...IFI_KEYS];
const GROUP_KEYS = [...AGENT_KEYS, 'member'];
const MAILTO = /^mailto:[^@\s]+@[^@\s]+$/;
const SHA1_HEX = /^[0-9a-f]{40}$/i;

/** An Agent or a Group (xAPI Data 2.4.2), told apart by `objectType`. */
export function validateActor(value: unknown, path: string): Actor {
  const object = expectObject(value, path);
  return object.objectType === 'Group' ? validateGroup(object, path) : validateAgent(object, path);
}

/**
 * An Agent (xAPI Data 2.4.2.1): `objectType` absent or `Agent`, an optional name, and exactly
 * one inverse functional identifier.
 */
export function validateAgent(value: unknown, path: string): Agent {
  const object = expectObject(value, path, AGENT_KEYS);
  if (has(object, 'objectType') && object.objectType !== 'Agent') {
    invalid(`${path}.objectType`, `must be "Agent" here, not ${quote(object.objectType)}`);
  }
  const identifier = validateIdentifier(object, path);
  if (!identifier) {
    invalid(
      path,
      'must have exactly one inverse functional identifier (mbox, mbox_sha1sum, openid or account)',
    );
  }
  return withoutUndefined({
    objectType: has(object, 'objectType') ? ('Agent' as const) : undefined,
    name: optional(object, 'name', path, expectString),
    ...identifier,
  });
}

/**
 * A Group (xAPI Data 2.4.2.2): `objectType` `Group`; an Identified Group has exactly one inverse
 * functional identifier, an Anonymous Group none but a non-empty `member` list. Members are
 * Agents: groups never contain groups.
 */
export function validateGroup(value: unknown, path: string): Group {
  const object = expectObject(value, path, GROUP_KEYS);
  if (!has(object, 'objectType')) invalid(`${path}.objectType`, 'is required and must be "Group"');
  if (object.objectType !== 'Group') {
    invalid(`${path}.objectType`, `must be "Group", not ${quote(object.objectType)}`);
  }
  const identifier = validateIdentifier(object, path);
  const member = optional(object, 'member', path, validateMembers);
  if (!identifier && member === undefined) {
    invalid(
      path,
      'must have an inverse functional identifier or a member list (an anonymous group)',
    );
  }
  if (!identifier && member?.length === 0) {
    invalid(`${path}.member`, 'must list at least one Agent in an anonymous group');
  }
  return withoutUndefined({
    objectType: 'Group' as const,
    name: optional(object, 'name', path, expectString),
    member,
    ...identifier,
  });
}

function validateMembers(value: unknown, path: string): Agent[] {
  return expectArray(value, path).map((item, index) => {
    const memberPath = `${path}[${index}]`;
    if (expectObject(item, memberPath).objectType === 'Group') {
      invalid(memberPath, 'must be an Agent: a group cannot contain groups');
    }
    return validateAgent(item, memberPath);
  });
}

/**
 * The inverse functional identifier of an Agent or Group (xAPI Data 2.4.2.3), or undefined when
 * it has none. More than one is refused: an Agent or Identified Group MUST NOT include more
 * than one.
 */
function validateIdentifier(
  object: JsonObject,
  path: string,
): InverseFunctionalIdentifier | undefined {
  const present = IFI_KEYS.filter((key) => has(object, key));
  if (present.length > 1) {
    invalid(
      path,
      `must have exactly one inverse functional identifier, not ${present.length} (${present.join(', ')})`,
    );
  }
  switch (present[0]) {
    case undefined:
      return undefined;
    case 'mbox':
      return { mbox: validateMbox(object.mbox, `${path}.mbox`) };
    case 'mbox_sha1sum':
      return { mbox_sha1sum: validateSha1(object.mbox_sha1sum, `${path}.mbox_sha1sum`) };
    case 'openid':
      return { openid: expectIri(object.openid, `${path}.openid`) };
    case 'account':
      return { account: validateAccount(object.account, `${path}.account`) };
  }
}

function validateMbox(value: unknown, path: string): string {
  const mbox = expectString(value, path);
  if (!MAILTO.test(mbox))
    invalid(path, `must be a mailto IRI such as "mailto:ann@example.org", not "${mbox}"`);
  return mbox;
}

function validateSha1(value: unknown, path: string): string {
  const digest = expectString(value, path);
  if (!SHA1_HEX.test(digest))
    invalid(path, 'must be the hex-encoded SHA-1 hash of a mailto IRI (40 hex digits)');
  return digest;
}

/** An Account (xAPI Data 2.4.2.4): `homePage` IRL and `name`, both required. */
function validateAccount(value: unknown, path: string): Account {
  const object = expectObject(value, path, ['homePage', 'name']);
  return {
    homePage: required(object, 'homePage', path, expectIrl),
    name: required(object, 'name', path, expectNonEmptyString),
  };
}

function quote(value: unknown): string {
  return typeof value === 'string' ? `"${value}"` : describeJsonType(value);
}

/**
 * The inverse functional identifier alone, the part that identifies an Agent or Identified Group
 * when statements are compared or queried. Undefined for Anonymous Groups.
 */
export function identifierOf(actor: Actor): InverseFunctionalIdentifier | undefined {
  const { mbox, mbox_sha1sum, openid, account } = actor;
  const identifier = withoutUndefined({ mbox, mbox_sha1sum, openid, account });
  return Object.keys(identifier).length === 1 ? identifier : undefined;
}
