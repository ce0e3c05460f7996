import {
  INTERACTION_COMPONENT_LISTS,
  INTERACTION_TYPES,
  type Activity,
  type ActivityDefinition,
  type InteractionComponent,
  type InteractionComponentList,
  type InteractionType,
} from '../statement.js';
import { validateExtensions } from './extensions.js';
import { expectIri, expectIrl } from './iri.js';
import {
  expectArray,
  expectNonEmptyString,
  expectObject,
  expectString,
  has,
  invalid,
  optional,
  required,
  withoutUndefined,
} from './json-shape.js';
import { validateLanguageMap } from './language-map.js';

const DEFINITION_KEYS = [
  'name',
  'description',
  'type',
  'moreInfo',
  'interactionType',
  'correctResponsesPattern',
  ...INTERACTION_COMPONENT_LISTS,
  'extensions',
];

/** The component lists each interaction type supports (xAPI Data 2.4.4.1, Interaction Components). */
const COMPONENT_LISTS_BY_TYPE: Record<InteractionType, readonly InteractionComponentList[]> = {
  'true-false': [],
  choice: ['choices'],
  'fill-in': [],
  'long-fill-in': [],
  matching: ['source', 'target'],
  performance: ['steps'],
  sequencing: ['choices'],
  likert: ['scale'],
  numeric: [],
  other: [],
};

/** An Activity (xAPI Data 2.4.4.1): `objectType` absent or `Activity`, an `id` IRI, a definition. */
export function validateActivity(value: unknown, path: string): Activity {
  const object = expectObject(value, path, ['objectType', 'id', 'definition']);
  if (has(object, 'objectType') && object.objectType !== 'Activity') {
    invalid(`${path}.objectType`, 'must be "Activity" here');
  }
  return withoutUndefined({
    objectType: has(object, 'objectType') ? ('Activity' as const) : undefined,
    id: required(object, 'id', path, expectIri),
    definition: optional(object, 'definition', path, validateActivityDefinition),
  });
}

/**
 * An Activity Definition, with the interaction properties: an interaction type from the list,
 * component lists only where that type supports them, distinct component ids.
 */
export function validateActivityDefinition(value: unknown, path: string): ActivityDefinition {
  const object = expectObject(value, path, DEFINITION_KEYS);
  const interactionType = optional(object, 'interactionType', path, validateInteractionType);
  const componentLists: Partial<Record<InteractionComponentList, InteractionComponent[]>> = {};
  for (const list of INTERACTION_COMPONENT_LISTS) {
    if (!has(object, list)) continue;
    // xAPI Data 2.4.4.1: the LRS MAY validate the interaction properties and reject invalid ones.
    if (interactionType === undefined) {
      invalid(`${path}.${list}`, 'needs an interactionType');
    }
    if (!COMPONENT_LISTS_BY_TYPE[interactionType].includes(list)) {
      invalid(`${path}.${list}`, `is not used by the interaction type "${interactionType}"`);
    }
    componentLists[list] = validateComponents(object[list], `${path}.${list}`);
  }
  if (has(object, 'correctResponsesPattern') && interactionType === undefined) {
    invalid(`${path}.correctResponsesPattern`, 'needs an interactionType');
  }
  return withoutUndefined({
    name: optional(object, 'name', path, validateLanguageMap),
    description: optional(object, 'description', path, validateLanguageMap),
    type: optional(object, 'type', path, expectIri),
    moreInfo: optional(object, 'moreInfo', path, expectIrl),
    interactionType,
    correctResponsesPattern: optional(object, 'correctResponsesPattern', path, validateStringList),
    ...componentLists,
    extensions: optional(object, 'extensions', path, validateExtensions),
  });
}

function validateInteractionType(value: unknown, path: string): InteractionType {
  const type = expectString(value, path);
  if (!(INTERACTION_TYPES as readonly string[]).includes(type)) {
    invalid(path, `must be one of ${INTERACTION_TYPES.join(', ')}, not "${type}"`);
  }
  return type as InteractionType;
}

function validateStringList(value: unknown, path: string): string[] {
  return expectArray(value, path).map((item, index) => expectString(item, `${path}[${index}]`));
}

/** Interaction components; within one list all ids MUST be distinct. */
function validateComponents(value: unknown, path: string): InteractionComponent[] {
  const seen = new Set<string>();
  return expectArray(value, path).map((item, index) => {
    const itemPath = `${path}[${index}]`;
    const object = expectObject(item, itemPath, ['id', 'description']);
    const id = required(object, 'id', itemPath, expectNonEmptyString);
    if (seen.has(id)) invalid(`${itemPath}.id`, `repeats the id "${id}" of another component`);
    seen.add(id);
    return withoutUndefined({
      id,
      description: optional(object, 'description', itemPath, validateLanguageMap),
    });
  });
}
