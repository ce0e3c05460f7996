import {
  CONTEXT_ACTIVITY_TYPES,
  type Activity,
  type Context,
  type ContextActivities,
  type ContextAgent,
  type ContextGroup,
} from '../statement.js';
import { validateActivity } from './activity.js';
import { validateActor, validateAgent, validateGroup } from './actor.js';
import { validateExtensions } from './extensions.js';
import { expectIri } from './iri.js';
import {
  expectArray,
  expectObject,
  expectString,
  has,
  invalid,
  optional,
  required,
  withoutUndefined,
} from './json-shape.js';
import { expectLanguageTag } from './language-map.js';
import { validateStatementRef } from './statement-ref.js';
import { expectUuid } from './uuid.js';

const CONTEXT_KEYS = [
  'registration',
  'instructor',
  'team',
  'contextActivities',
  'contextAgents',
  'contextGroups',
  'revision',
  'platform',
  'language',
  'statement',
  'extensions',
];

/**
 * A Context (xAPI Data 2.4.6, with the Context Agents and Context Groups of xAPI 2.0).
 * `isObjectActivity` tells whether the statement's object is an Activity: `revision` and
 * `platform` MUST only be used then.
 */
export function validateContext(
  value: unknown,
  path: string,
  { isObjectActivity }: { isObjectActivity: boolean },
): Context {
  const object = expectObject(value, path, CONTEXT_KEYS);
  if (!isObjectActivity) {
    for (const key of ['revision', 'platform']) {
      if (has(object, key))
        invalid(`${path}.${key}`, "may only be used when the statement's object is an Activity");
    }
  }
  return withoutUndefined({
    registration: optional(object, 'registration', path, expectUuid),
    instructor: optional(object, 'instructor', path, validateActor),
    team: optional(object, 'team', path, validateGroup),
    contextActivities: optional(object, 'contextActivities', path, validateContextActivities),
    contextAgents: optional(object, 'contextAgents', path, validateContextAgents),
    contextGroups: optional(object, 'contextGroups', path, validateContextGroups),
    revision: optional(object, 'revision', path, expectString),
    platform: optional(object, 'platform', path, expectString),
    language: optional(object, 'language', path, expectLanguageTag),
    statement: optional(object, 'statement', path, validateStatementRef),
    extensions: optional(object, 'extensions', path, validateExtensions),
  });
}

/**
 * Context activities (xAPI Data 2.4.6.2): keys parent, grouping, category, other; each value an
 * Activity or an array of them. The LRS MUST return every value as an array, so single
 * Activities become arrays of one here.
 */
function validateContextActivities(value: unknown, path: string): ContextActivities {
  const object = expectObject(value, path, CONTEXT_ACTIVITY_TYPES);
  const normalised: ContextActivities = {};
  for (const type of CONTEXT_ACTIVITY_TYPES) {
    const activities = optional(object, type, path, (item, itemPath): Activity[] =>
      Array.isArray(item)
        ? item.map((activity, index) => validateActivity(activity, `${itemPath}[${index}]`))
        : [validateActivity(item, itemPath)],
    );
    if (activities) normalised[type] = activities;
  }
  return normalised;
}

function validateContextAgents(value: unknown, path: string): ContextAgent[] {
  return expectArray(value, path).map((item, index) => {
    const itemPath = `${path}[${index}]`;
    const object = expectObject(item, itemPath, ['objectType', 'agent', 'relevantTypes']);
    if (object.objectType !== 'contextAgent') {
      invalid(`${itemPath}.objectType`, 'must be "contextAgent"');
    }
    return withoutUndefined({
      objectType: 'contextAgent' as const,
      agent: required(object, 'agent', itemPath, validateAgent),
      relevantTypes: optional(object, 'relevantTypes', itemPath, validateRelevantTypes),
    });
  });
}

function validateContextGroups(value: unknown, path: string): ContextGroup[] {
  return expectArray(value, path).map((item, index) => {
    const itemPath = `${path}[${index}]`;
    const object = expectObject(item, itemPath, ['objectType', 'group', 'relevantTypes']);
    if (object.objectType !== 'contextGroup') {
      invalid(`${itemPath}.objectType`, 'must be "contextGroup"');
    }
    return withoutUndefined({
      objectType: 'contextGroup' as const,
      group: required(object, 'group', itemPath, validateGroup),
      relevantTypes: optional(object, 'relevantTypes', itemPath, validateRelevantTypes),
    });
  });
}

/** xAPI 2.0: relevantTypes, when present, is a list of one or more IRIs. */
function validateRelevantTypes(value: unknown, path: string): string[] {
  const types = expectArray(value, path);
  if (types.length === 0) invalid(path, 'must list at least one IRI when present');
  return types.map((type, index) => expectIri(type, `${path}[${index}]`));
}
