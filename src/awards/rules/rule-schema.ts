import { AwardRuleInvalidError } from '../../errors.js';

/** Where a statement came from (ARCHITECTURE.md, Trust); a leaf may accept only some. */
export const STATEMENT_SOURCES = ['platform', 'tool', 'content'] as const;
export type StatementSource = (typeof STATEMENT_SOURCES)[number];

/** An activity IRI, or one limited to statements from the listed sources. */
export type ActivityRef = string | { activity: string; sources: StatementSource[] };
/** An achievement id, or one whose credential must rest on statements from the listed sources. */
export type AchievementRef = string | { achievement: string; sources: StatementSource[] };

/**
 * A rule is data: a JSON tree of these nodes, validated when a teacher saves it.
 *
 * - `passed`, `completed`, `scoreAtLeast` look at the learner's results on one activity;
 *   `earned` at a credential of another achievement (a stack).
 * - `allOf`, `anyOf`, `atLeast {n, of}`: at least n of the rules;
 *   `distinctGroupsAtLeast {n, tag, count?, of}`: at least `count` (default n) of the leaves,
 *   whose activities or achievements carry at least n distinct values of the group tag `tag`
 *   (e.g. `pillar`).
 * - `stackingCap {ects, target, rule}` (only as the whole rule): the ECTS of the credentials
 *   stacked by `rule` must stay below `ects`, the size of `target`, so micro-credentials never
 *   stack into a full degree.
 *
 * Credit conditions are not written in the rule: when a registered learner earns the
 * micro-credential form (ECTS), only credentials earned in that form count (see evaluate.ts).
 */
export type Rule =
  | { passed: ActivityRef }
  | { completed: ActivityRef }
  | { scoreAtLeast: { activity: string; scaled: number; sources?: StatementSource[] } }
  | { earned: AchievementRef }
  | { allOf: Rule[] }
  | { anyOf: Rule[] }
  | { atLeast: { n: number; of: Rule[] } }
  | { distinctGroupsAtLeast: { n: number; tag: string; count?: number; of: Rule[] } }
  | { stackingCap: { ects: number; target: string; rule: Rule } };

export type LeafRule = Extract<
  Rule,
  { passed: unknown } | { completed: unknown } | { scoreAtLeast: unknown } | { earned: unknown }
>;

const NODE_KINDS = [
  'passed',
  'completed',
  'scoreAtLeast',
  'earned',
  'allOf',
  'anyOf',
  'atLeast',
  'distinctGroupsAtLeast',
  'stackingCap',
] as const;
type NodeKind = (typeof NODE_KINDS)[number];

/** A leaf, flattened: what it looks at and which sources it accepts (null: all). */
export interface Leaf {
  readonly kind: 'passed' | 'completed' | 'scoreAtLeast' | 'earned';
  /** The activity IRI, or for `earned` the achievement id. */
  readonly ref: string;
  readonly sources: readonly StatementSource[] | null;
  /** For scoreAtLeast: the scaled score needed. */
  readonly scaled: number | null;
}

/**
 * Checks a rule a teacher sent and returns it as a Rule. Throws AwardRuleInvalidError naming
 * the bad part, e.g. `rule.allOf[1].scoreAtLeast.scaled must be at most 1`.
 */
export function parseRule(input: unknown, path = 'rule'): Rule {
  const rule = parseNode(input, path);
  if ('stackingCap' in rule) {
    const stacked = achievementsOfRule(rule.stackingCap.rule);
    if (stacked.length === 0) {
      throw invalid(`${path}.stackingCap.rule must stack credentials with "earned"`);
    }
  }
  return rule;
}

function parseNode(input: unknown, path: string): Rule {
  if (!isPlainObject(input)) {
    throw invalid(`${path} must be an object such as {"passed": "<activity IRI>"}`);
  }
  const keys = Object.keys(input);
  const kind = keys[0] as NodeKind;
  if (keys.length !== 1 || !NODE_KINDS.includes(kind)) {
    throw invalid(`${path} must have exactly one of ${NODE_KINDS.join(', ')}`);
  }
  const value = input[kind];
  const at = `${path}.${kind}`;
  switch (kind) {
    case 'passed':
      return { passed: parseActivityRef(value, at) };
    case 'completed':
      return { completed: parseActivityRef(value, at) };
    case 'scoreAtLeast': {
      if (!isPlainObject(value))
        throw invalid(`${at} must be {"activity": "<IRI>", "scaled": 0.8}`);
      rejectUnknownFields(value, ['activity', 'scaled', 'sources'], at);
      const scaled = value.scaled;
      if (typeof scaled !== 'number' || !Number.isFinite(scaled)) {
        throw invalid(`${at}.scaled must be a number from 0 to 1`);
      }
      if (scaled < 0) throw invalid(`${at}.scaled must be at least 0`);
      if (scaled > 1) throw invalid(`${at}.scaled must be at most 1`);
      const activity = parseIri(value.activity, `${at}.activity`);
      return value.sources === undefined
        ? { scoreAtLeast: { activity, scaled } }
        : { scoreAtLeast: { activity, scaled, sources: parseSources(value.sources, at) } };
    }
    case 'earned':
      return { earned: parseAchievementRef(value, at) };
    case 'allOf':
    case 'anyOf': {
      const children = parseChildren(value, at, 1);
      return kind === 'allOf' ? { allOf: children } : { anyOf: children };
    }
    case 'atLeast': {
      if (!isPlainObject(value)) throw invalid(`${at} must be {"n": 2, "of": [rules]}`);
      rejectUnknownFields(value, ['n', 'of'], at);
      const of = parseChildren(value.of, `${at}.of`, 1);
      const n = parseCount(value.n, `${at}.n`, of.length);
      return { atLeast: { n, of } };
    }
    case 'distinctGroupsAtLeast': {
      if (!isPlainObject(value)) {
        throw invalid(`${at} must be {"n": 2, "tag": "pillar", "count": 3, "of": [leaf rules]}`);
      }
      rejectUnknownFields(value, ['n', 'tag', 'count', 'of'], at);
      const of = parseChildren(value.of, `${at}.of`, 1);
      of.forEach((child, index) => {
        if (leafOf(child) === null) {
          throw invalid(
            `${at}.of[${index}] must be passed, completed, scoreAtLeast or earned: only those have a group`,
          );
        }
      });
      if (typeof value.tag !== 'string' || !/^[\p{L}\p{N}_.:-]{1,64}$/u.test(value.tag)) {
        throw invalid(`${at}.tag must be a group tag name such as "pillar"`);
      }
      const n = parseCount(value.n, `${at}.n`, of.length);
      if (value.count === undefined) return { distinctGroupsAtLeast: { n, tag: value.tag, of } };
      const count = parseCount(value.count, `${at}.count`, of.length);
      if (count < n) throw invalid(`${at}.count must be at least n (${n})`);
      return { distinctGroupsAtLeast: { n, tag: value.tag, count, of } };
    }
    case 'stackingCap': {
      if (path !== 'rule') throw invalid(`${at} may only stand for the whole rule`);
      if (!isPlainObject(value)) {
        throw invalid(`${at} must be {"ects": 60, "target": "<degree>", "rule": <rule>}`);
      }
      rejectUnknownFields(value, ['ects', 'target', 'rule'], at);
      const ects = value.ects;
      if (typeof ects !== 'number' || !Number.isFinite(ects) || ects <= 0) {
        throw invalid(`${at}.ects must be a positive number: the size of the target in ECTS`);
      }
      if (typeof value.target !== 'string' || value.target.trim() === '') {
        throw invalid(`${at}.target must name what the credentials stack toward`);
      }
      return {
        stackingCap: {
          ects,
          target: value.target.trim(),
          rule: parseNode(value.rule, `${at}.rule`),
        },
      };
    }
  }
}

/** The leaf a rule is, flattened, or null for a combinator. */
export function leafOf(rule: Rule): Leaf | null {
  if ('passed' in rule) return activityLeaf('passed', rule.passed);
  if ('completed' in rule) return activityLeaf('completed', rule.completed);
  if ('scoreAtLeast' in rule) {
    const { activity, scaled, sources } = rule.scoreAtLeast;
    return { kind: 'scoreAtLeast', ref: activity, sources: sources ?? null, scaled };
  }
  if ('earned' in rule) {
    const ref = rule.earned;
    return typeof ref === 'string'
      ? { kind: 'earned', ref, sources: null, scaled: null }
      : { kind: 'earned', ref: ref.achievement, sources: ref.sources, scaled: null };
  }
  return null;
}

/** The direct sub-rules of a combinator (none for a leaf). */
export function childrenOf(rule: Rule): readonly Rule[] {
  if ('allOf' in rule) return rule.allOf;
  if ('anyOf' in rule) return rule.anyOf;
  if ('atLeast' in rule) return rule.atLeast.of;
  if ('distinctGroupsAtLeast' in rule) return rule.distinctGroupsAtLeast.of;
  if ('stackingCap' in rule) return [rule.stackingCap.rule];
  return [];
}

/** Every leaf of a rule in reading order. */
export function leavesOf(rule: Rule): Leaf[] {
  const leaf = leafOf(rule);
  return leaf ? [leaf] : childrenOf(rule).flatMap(leavesOf);
}

/** The activity IRIs a rule looks at, to find the rules a new statement may change. */
export function activitiesOfRule(rule: Rule): string[] {
  return [
    ...new Set(
      leavesOf(rule)
        .filter((leaf) => leaf.kind !== 'earned')
        .map((leaf) => leaf.ref),
    ),
  ];
}

/** The achievement ids a rule stacks, to find the rules a new or revoked credential may change. */
export function achievementsOfRule(rule: Rule): string[] {
  return [
    ...new Set(
      leavesOf(rule)
        .filter((leaf) => leaf.kind === 'earned')
        .map((leaf) => leaf.ref),
    ),
  ];
}

function activityLeaf(kind: 'passed' | 'completed', ref: ActivityRef): Leaf {
  return typeof ref === 'string'
    ? { kind, ref, sources: null, scaled: null }
    : { kind, ref: ref.activity, sources: ref.sources, scaled: null };
}

function parseChildren(value: unknown, at: string, minimum: number): Rule[] {
  if (!Array.isArray(value)) throw invalid(`${at} must be a list of rules`);
  if (value.length < minimum) throw invalid(`${at} must list at least ${minimum} rule`);
  return value.map((child, index) => parseNode(child, `${at}[${index}]`));
}

function parseCount(value: unknown, at: string, listed: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw invalid(`${at} must be a whole number of at least 1`);
  }
  if (value > listed) {
    throw invalid(`${at} is ${value} but only ${listed} rules are listed: it could never be met`);
  }
  return value;
}

function parseActivityRef(value: unknown, at: string): ActivityRef {
  if (!isPlainObject(value)) return parseIri(value, at);
  rejectUnknownFields(value, ['activity', 'sources'], at);
  return {
    activity: parseIri(value.activity, `${at}.activity`),
    sources: parseSources(value.sources, at),
  };
}

function parseAchievementRef(value: unknown, at: string): AchievementRef {
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

function parseSources(value: unknown, at: string): StatementSource[] {
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

function parseIri(value: unknown, path: string): string {
  if (typeof value === 'string' && /^[a-z][a-z0-9+.-]*:\S+$/i.test(value) && URL.canParse(value)) {
    return value;
  }
  throw invalid(`${path} must be an absolute IRI such as https://example.org/activities/quiz-1`);
}

function rejectUnknownFields(value: Record<string, unknown>, known: string[], at: string): void {
  const unknown = Object.keys(value).find((key) => !known.includes(key));
  if (unknown !== undefined) throw invalid(`${at} has unknown field ${unknown}`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(message: string): AwardRuleInvalidError {
  return new AwardRuleInvalidError(message);
}
