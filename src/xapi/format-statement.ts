import { type Activity, type Actor, type LanguageMap, type LrsStatement } from './statement.js';
import { identifierOf } from './validate/actor.js';

/** The `format` parameter of GET /statements (xAPI Communication 2.1.3). */
export type StatementFormat = 'ids' | 'exact' | 'canonical';

type Json = Record<string, unknown>;

/**
 * Shapes a stored statement as the `format` asks (xAPI Communication 2.1.3):
 * - `exact`: as stored;
 * - `ids`: agents and identified groups reduced to their identifier, anonymous groups to their
 *   members' identifiers, activities and verbs to their ids alone;
 * - `canonical`: every language map reduced to the one language the reader prefers most
 *   (`languages`, from Accept-Language, best first), or else its first entry.
 */
export function formatStatement(
  statement: LrsStatement,
  format: StatementFormat,
  languages: readonly string[] = [],
): LrsStatement {
  if (format === 'exact') return statement;
  if (format === 'ids') return idsOnly(statement as unknown as Json) as unknown as LrsStatement;
  return canonical(statement as unknown as Json, languages) as unknown as LrsStatement;
}

function idsOnly(statement: Json): Json {
  const result: Json = { ...statement };
  result.actor = actorIds(statement.actor as Actor);
  result.verb = { id: (statement.verb as Json).id };
  result.object = objectIds(statement.object as Json);
  if (statement.authority) result.authority = actorIds(statement.authority as Actor);
  if (statement.context) result.context = contextIds(statement.context as Json);
  return result;
}

function actorIds(actor: Actor): Json {
  const identifier = identifierOf(actor);
  if (identifier) {
    return actor.objectType ? { objectType: actor.objectType, ...identifier } : { ...identifier };
  }
  const members = 'member' in actor ? (actor.member ?? []) : [];
  return { objectType: 'Group', member: members.map(actorIds) };
}

function objectIds(object: Json): Json {
  switch (object.objectType) {
    case 'Agent':
    case 'Group':
      return actorIds(object as unknown as Actor);
    case 'StatementRef':
      return object;
    case 'SubStatement': {
      const sub: Json = {
        ...object,
        actor: actorIds(object.actor as Actor),
        verb: { id: (object.verb as Json).id },
        object: objectIds(object.object as Json),
      };
      if (object.context) sub.context = contextIds(object.context as Json);
      return sub;
    }
    default:
      return { id: object.id };
  }
}

function contextIds(context: Json): Json {
  const result: Json = { ...context };
  if (context.instructor) result.instructor = actorIds(context.instructor as Actor);
  if (context.team) result.team = actorIds(context.team as Actor);
  if (context.contextActivities) {
    result.contextActivities = Object.fromEntries(
      Object.entries(context.contextActivities as Record<string, Activity[]>).map(
        ([type, activities]) => [type, activities.map((activity) => objectIds({ ...activity }))],
      ),
    );
  }
  if (Array.isArray(context.contextAgents)) {
    result.contextAgents = (context.contextAgents as Json[]).map((item) => ({
      ...item,
      agent: actorIds(item.agent as Actor),
    }));
  }
  if (Array.isArray(context.contextGroups)) {
    result.contextGroups = (context.contextGroups as Json[]).map((item) => ({
      ...item,
      group: actorIds(item.group as Actor),
    }));
  }
  return result;
}

/** Keys whose values are language maps (xAPI Data 4.2), wherever they occur. */
const LANGUAGE_MAP_KEYS = new Set(['display', 'name', 'description']);

function canonical(value: unknown, languages: readonly string[], key = ''): unknown {
  if (Array.isArray(value)) return value.map((item) => canonical(item, languages));
  if (value === null || typeof value !== 'object') return value;
  const object = value as Json;
  if (LANGUAGE_MAP_KEYS.has(key) && Object.values(object).every((v) => typeof v === 'string')) {
    return pickLanguage(object as LanguageMap, languages);
  }
  return Object.fromEntries(
    Object.entries(object).map(([name, item]) => [
      name,
      name === 'extensions' ? item : canonical(item, languages, name),
    ]),
  );
}

function pickLanguage(map: LanguageMap, languages: readonly string[]): LanguageMap {
  const tags = Object.keys(map);
  if (tags.length <= 1) return map;
  for (const wanted of languages) {
    const lower = wanted.toLowerCase();
    const match =
      tags.find((tag) => tag.toLowerCase() === lower) ??
      tags.find((tag) => tag.toLowerCase().split('-')[0] === lower.split('-')[0]);
    if (match) return { [match]: map[match] as string };
  }
  const first = tags[0] as string;
  return { [first]: map[first] as string };
}

/** Accept-Language tags, best first (RFC 9110 section 12.5.4); `*` and q=0 are left out. */
export function parseAcceptLanguage(header: string | undefined): string[] {
  if (!header) return [];
  return header
    .split(',')
    .map((part, index) => {
      const [tag = '', ...parameters] = part.trim().split(';');
      const q = parameters
        .map((parameter) => /^\s*q=([0-9.]+)\s*$/.exec(parameter)?.[1])
        .find((found) => found !== undefined);
      return { tag: tag.trim(), quality: q === undefined ? 1 : Number(q), index };
    })
    .filter((entry) => entry.tag !== '' && entry.tag !== '*' && entry.quality > 0)
    .sort((a, b) => b.quality - a.quality || a.index - b.index)
    .map((entry) => entry.tag);
}
