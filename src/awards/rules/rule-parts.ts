import { AwardRuleInvalidError } from '../../errors.js';

/**
 * The pieces rule operators are made of (operators/*.ts): references to activities and
 * achievements, and the checks their parsers share. Each check throws AwardRuleInvalidError
 * with a message that starts with the path of the bad part, e.g. `rule.allOf[1].passed`.
 */

/** Where a statement came from (ARCHITECTURE.md, Trust); a leaf may accept only some. */
export const STATEMENT_SOURCES = ['platform', 'tool', 'content'] as const;
export type StatementSource = (typeof STATEMENT_SOURCES)[number];

/** An activity IRI, or one limited to statements from the listed sources. */
export type ActivityRef = string | { activity: string; sources: StatementSource[] };
/** An achievement id, or one whose credential must rest on statements from the listed sources. */
export type AchievementRef = string | { achievement: string; sources: StatementSource[] };

/** An activity or achievement reference, flattened: the IRI or id, and the sources (null: all). */
export interface FlatRef {
  readonly ref: string;
  readonly sources: readonly StatementSource[] | null;
}

export function flatActivityRef(ref: ActivityRef): FlatRef {
  return typeof ref === 'string'
    ? { ref, sources: null }
    : { ref: ref.activity, sources: ref.sources };
}

export function flatAchievementRef(ref: AchievementRef): FlatRef {
  return typeof ref === 'string'
    ? { ref, sources: null }
    : { ref: ref.achievement, sources: ref.sources };
}

export function parseActivityRef(value: unknown, at: string): ActivityRef {
  if (!isPlainObject(value)) return parseIri(value, at);
  rejectUnknownFields(value, ['activity', 'sources'], at);
  return {
    activity: parseIri(value.activity, `${at}.activity`),
    sources: parseSources(value.sources, at),
  };
}

export function parseAchievementRef(value: unknown, at: string): AchievementRef {
  if (!isPlainObject(value)) return parseAchievementId(value, at);
  rejectUnknownFields(value, ['achievement', 'sources'], at);
  return {
    achievement: parseAchievementId(value.achievement, `${at}.achievement`),
    sources: parseSources(value.sources, at),
  };
}

function parseAchievementId(value: unknown, path: string): string {
  if (
    typeof value === 'string' &&
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)
  ) {
    return value.toLowerCase();
  }
  throw invalid(`${path} must be the id of an achievement (a UUID)`);
}

export function parseSources(value: unknown, at: string): StatementSource[] {
  const path = `${at}.sources`;
  if (!Array.isArray(value) || value.length === 0) {
    throw invalid(`${path} must list at least one of ${STATEMENT_SOURCES.join(', ')}`);
  }
  value.forEach((source, index) => {
    if (!STATEMENT_SOURCES.includes(source as StatementSource)) {
      throw invalid(`${path}[${index}] must be one of ${STATEMENT_SOURCES.join(', ')}`);
    }
  });
  return [...new Set(value as StatementSource[])].sort();
}

export function parseIri(value: unknown, path: string): string {
  if (typeof value === 'string' && /^[a-z][a-z0-9+.-]*:\S+$/i.test(value) && URL.canParse(value)) {
    return value;
  }
  throw invalid(`${path} must be an absolute IRI such as https://example.org/activities/quiz-1`);
}

/** A scaled score threshold (0..1), as scoreAtLeast and bestAverageAtLeast store it. */
export function parseScaled(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw invalid(`${path} must be a number from 0 to 1`);
  }
  if (value < 0) throw invalid(`${path} must be at least 0`);
  if (value > 1) throw invalid(`${path} must be at most 1`);
  return value;
}

/** A whole number from 1 to `listed`, the number of things (`rules`...) it counts among. */
export function parseCount(value: unknown, at: string, listed: number, things = 'rules'): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw invalid(`${at} must be a whole number of at least 1`);
  }
  if (value > listed) {
    throw invalid(
      `${at} is ${value} but only ${listed} ${things} are listed: it could never be met`,
    );
  }
  return value;
}

/** A non-empty list (of `rules`...), each item parsed by `parseItem` at its own path. */
export function parseList<T>(
  value: unknown,
  at: string,
  parseItem: (item: unknown, path: string) => T,
  things: readonly [one: string, many: string] = ['rule', 'rules'],
): T[] {
  if (!Array.isArray(value)) throw invalid(`${at} must be a list of ${things[1]}`);
  if (value.length < 1) throw invalid(`${at} must list at least 1 ${things[0]}`);
  return value.map((item, index) => parseItem(item, `${at}[${index}]`));
}

/** The value as an object with only the known fields, or the error naming `shape`. */
export function parseFields(
  value: unknown,
  known: readonly string[],
  at: string,
  shape: string,
): Record<string, unknown> {
  if (!isPlainObject(value)) throw invalid(`${at} must be ${shape}`);
  rejectUnknownFields(value, known, at);
  return value;
}

function rejectUnknownFields(
  value: Record<string, unknown>,
  known: readonly string[],
  at: string,
): void {
  const unknown = Object.keys(value).find((key) => !known.includes(key));
  if (unknown !== undefined) throw invalid(`${at} has unknown field ${unknown}`);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function invalid(message: string): AwardRuleInvalidError {
  return new AwardRuleInvalidError(message);
}

/** The path of the whole rule in messages: its parts are `rule.allOf[1]`... */
export const WHOLE_RULE = 'rule';
