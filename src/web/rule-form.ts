import { AwardRuleInvalidError } from '../errors.js';
import { leafOf, parseRule, type Rule } from '../awards/rules/rule-schema.js';
import type { FieldError, FieldErrors } from './achievement-form.js';

/**
 * The rule form of the teacher's pages as plain data: the common shapes of the rule language
 * (awards/rules/rule-schema.ts) as rows of conditions under one combinator, an optional
 * stacking cap around them, and the JSON of the rule for everything else.
 */

export const RULE_SHAPES = ['allOf', 'anyOf', 'atLeast', 'distinctGroups', 'json'] as const;
export type RuleShape = (typeof RULE_SHAPES)[number];
export const CONDITION_KINDS = ['passed', 'completed', 'scoreAtLeast', 'earned'] as const;
export type ConditionKind = (typeof CONDITION_KINDS)[number];
const MIN_CONDITION_ROWS = 6;

export interface ConditionRow {
  kind: ConditionKind | '';
  activity: string;
  /** For scoreAtLeast: the score needed, in percent. */
  score: string;
  /** For earned: the id of the stacked achievement. */
  achievement: string;
}

export interface RuleFormValues {
  shape: RuleShape;
  conditions: ConditionRow[];
  /** How many conditions must be met (atLeast, distinctGroups). */
  count: string;
  /** From how many different groups (distinctGroups). */
  groups: string;
  tag: string;
  /** Stacking cap: the size of the target in ECTS, and the target's name. */
  capEcts: string;
  capTarget: string;
  json: string;
}

/** The form filled with a rule: its shape when it has a common one, else the JSON view. */
export function ruleFormValuesOf(rule: Rule): RuleFormValues {
  const json = JSON.stringify(rule, null, 2);
  const base: RuleFormValues = {
    shape: 'json',
    conditions: [],
    count: '',
    groups: '',
    tag: 'pillar',
    capEcts: '',
    capTarget: '',
    json,
  };
  const capped = 'stackingCap' in rule ? rule.stackingCap : null;
  const inner = capped ? capped.rule : rule;
  const cap = capped ? { capEcts: String(capped.ects), capTarget: capped.target } : {};
  const shaped = shapeOf(inner);
  if (!shaped) return withSpareRows(base);
  const rows = shaped.children.map(conditionRowOf);
  if (rows.some((row) => row === null)) return withSpareRows(base);
  return withSpareRows({ ...base, ...cap, ...shaped.fields, conditions: rows as ConditionRow[] });
}

/**
 * Reads a posted rule form into a checked rule, or the errors on its fields (catalog keys of
 * `teacher-achievements:ruleErrors`, with the path of the bad part of the rule).
 */
export function readRuleForm(
  body: Record<string, unknown>,
):
  | { values: RuleFormValues; rule: Rule; errors: null }
  | { values: RuleFormValues; errors: FieldErrors } {
  const field = (name: string) => {
    const value = body[name];
    return typeof value === 'string' ? value.trim() : '';
  };
  const shape = RULE_SHAPES.find((candidate) => candidate === field('shape')) ?? 'allOf';
  const rowCount = Math.min(
    100,
    Object.keys(body).reduce((highest, key) => {
      const match = /^conditions\.(\d+)\./.exec(key);
      return match ? Math.max(highest, Number(match[1]) + 1) : highest;
    }, 0),
  );
  const conditions = Array.from({ length: rowCount }, (_, index): ConditionRow => {
    const kind = field(`conditions.${index}.kind`);
    return {
      kind: CONDITION_KINDS.find((candidate) => candidate === kind) ?? '',
      activity: field(`conditions.${index}.activity`),
      score: field(`conditions.${index}.score`),
      achievement: field(`conditions.${index}.achievement`),
    };
  });
  const values: RuleFormValues = withSpareRows({
    shape,
    conditions,
    count: field('count'),
    groups: field('groups'),
    tag: field('tag'),
    capEcts: field('capEcts'),
    capTarget: field('capTarget'),
    json: typeof body.json === 'string' ? body.json : '',
  });

  if (shape === 'json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(values.json);
    } catch {
      return { values, errors: { json: { key: 'ruleErrors.jsonSyntax' } } };
    }
    return checked(values, parsed, () => 'json');
  }

  const used = conditions
    .map((row, index) => ({ row, index }))
    .filter(({ row }) => row.kind !== '');
  if (used.length === 0) {
    return { values, errors: { conditions: { key: 'ruleErrors.noConditions' } } };
  }
  const leaves = used.map(({ row }) => leafRuleOf(row));
  let rule: unknown;
  switch (shape) {
    case 'allOf':
      rule = leaves.length === 1 ? leaves[0] : { allOf: leaves };
      break;
    case 'anyOf':
      rule = leaves.length === 1 ? leaves[0] : { anyOf: leaves };
      break;
    case 'atLeast':
      rule = { atLeast: { n: countOf(values.count), of: leaves } };
      break;
    case 'distinctGroups':
      rule = {
        distinctGroupsAtLeast: {
          n: countOf(values.groups),
          tag: values.tag,
          ...(values.count === '' ? {} : { count: countOf(values.count) }),
          of: leaves,
        },
      };
      break;
  }
  if (values.capEcts !== '' || values.capTarget !== '') {
    rule = {
      stackingCap: { ects: countOf(values.capEcts), target: values.capTarget, rule },
    };
  }
  const isSingle = leaves.length === 1 && (shape === 'allOf' || shape === 'anyOf');
  return checked(values, rule, (path) => formFieldOfRulePath(path, shape, isSingle, used));
}

function checked(
  values: RuleFormValues,
  input: unknown,
  fieldOf: (path: string) => string,
):
  | { values: RuleFormValues; rule: Rule; errors: null }
  | { values: RuleFormValues; errors: FieldErrors } {
  try {
    return { values, rule: parseRule(input), errors: null };
  } catch (error) {
    if (!(error instanceof AwardRuleInvalidError)) throw error;
    const path = error.message.split(' ')[0] ?? 'rule';
    return { values, errors: { [fieldOf(path)]: ruleErrorOf(error.message, path) } };
  }
}

/** The catalog key for a message of parseRule; the path shows which part it is about. */
export function ruleErrorOf(message: string, path: string): FieldError {
  const patterns: [RegExp, string][] = [
    [/absolute IRI/, 'iri'],
    [/id of an achievement/, 'achievement'],
    [/could never be met/, 'neverMet'],
    [/scaled must/, 'score'],
    [/count must be at least n/, 'countBelowGroups'],
    [/whole number/, 'count'],
    [/group tag/, 'tag'],
    [/ects must be a positive number/, 'capEcts'],
    [/target must name/, 'capTarget'],
    [/must stack credentials/, 'capNeedsEarned'],
    [/may only stand for the whole rule/, 'capNotWhole'],
    [/has unknown field/, 'unknownField'],
    [/sources/, 'sources'],
    [/must be passed, completed, scoreAtLeast or earned/, 'groupLeaf'],
    [/exactly one of/, 'kind'],
    [/must list at least/, 'noConditions'],
  ];
  const key = patterns.find(([pattern]) => pattern.test(message))?.[1] ?? 'invalid';
  return { key: `ruleErrors.${key}`, params: { path } };
}

function formFieldOfRulePath(
  path: string,
  shape: RuleShape,
  isSingle: boolean,
  used: readonly { index: number }[],
): string {
  const inner = path.replace(/^rule(\.stackingCap\.rule)?/, '');
  if (/^rule\.stackingCap\.ects/.test(path)) return 'capEcts';
  if (/^rule\.stackingCap(\.target)?$/.test(path) || /^rule\.stackingCap\.target/.test(path)) {
    return 'capTarget';
  }
  const leaf = isSingle
    ? /^\.(\w+)(\.(\w+))?/.exec(inner)
    : /\[(\d+)\]\.(\w+)(\.(\w+))?/.exec(inner);
  if (leaf) {
    const position = isSingle ? 0 : Number(leaf[1]);
    const kind = isSingle ? leaf[1] : leaf[2];
    const part = isSingle ? leaf[3] : leaf[4];
    const row = used[position]?.index ?? 0;
    if (kind === 'earned') return `conditions.${row}.achievement`;
    if (part === 'scaled') return `conditions.${row}.score`;
    return `conditions.${row}.activity`;
  }
  if (/\.tag$/.test(inner)) return 'tag';
  if (/\.count$/.test(inner)) return 'count';
  if (/\.n$/.test(inner)) return shape === 'distinctGroups' ? 'groups' : 'count';
  return 'conditions';
}

function leafRuleOf(row: ConditionRow): unknown {
  switch (row.kind) {
    case 'passed':
      return { passed: row.activity };
    case 'completed':
      return { completed: row.activity };
    case 'scoreAtLeast': {
      const percent = Number(row.score.replace(',', '.'));
      const scaled = row.score === '' || !Number.isFinite(percent) ? row.score : percent / 100;
      return { scoreAtLeast: { activity: row.activity, scaled } };
    }
    default:
      return { earned: row.achievement };
  }
}

/** A whole number from the form, or the text for parseRule to refuse. */
function countOf(text: string): number | string {
  const value = Number(text.replace(',', '.'));
  return text !== '' && Number.isFinite(value) ? value : text;
}

function shapeOf(
  rule: Rule,
): { children: readonly Rule[]; fields: Partial<RuleFormValues> } | null {
  if (leafOf(rule)) return { children: [rule], fields: { shape: 'allOf' } };
  if ('allOf' in rule) return { children: rule.allOf, fields: { shape: 'allOf' } };
  if ('anyOf' in rule) return { children: rule.anyOf, fields: { shape: 'anyOf' } };
  if ('atLeast' in rule) {
    return {
      children: rule.atLeast.of,
      fields: { shape: 'atLeast', count: String(rule.atLeast.n) },
    };
  }
  if ('distinctGroupsAtLeast' in rule) {
    const { n, tag, count, of } = rule.distinctGroupsAtLeast;
    return {
      children: of,
      fields: {
        shape: 'distinctGroups',
        groups: String(n),
        tag,
        count: count === undefined ? '' : String(count),
      },
    };
  }
  return null;
}

/** The form row of a leaf without source limits, or null when the form cannot show it. */
function conditionRowOf(rule: Rule): ConditionRow | null {
  const empty = { activity: '', score: '', achievement: '' };
  if ('passed' in rule && typeof rule.passed === 'string') {
    return { ...empty, kind: 'passed', activity: rule.passed };
  }
  if ('completed' in rule && typeof rule.completed === 'string') {
    return { ...empty, kind: 'completed', activity: rule.completed };
  }
  if ('scoreAtLeast' in rule && rule.scoreAtLeast.sources === undefined) {
    const percent = Math.round(rule.scoreAtLeast.scaled * 10_000) / 100;
    return {
      ...empty,
      kind: 'scoreAtLeast',
      activity: rule.scoreAtLeast.activity,
      score: String(percent),
    };
  }
  if ('earned' in rule && typeof rule.earned === 'string') {
    return { ...empty, kind: 'earned', achievement: rule.earned };
  }
  return null;
}

function withSpareRows(values: RuleFormValues): RuleFormValues {
  const filled = values.conditions.filter(
    (row) => row.kind !== '' || row.activity !== '' || row.achievement !== '' || row.score !== '',
  );
  const spare = Math.max(MIN_CONDITION_ROWS - filled.length, 2);
  return {
    ...values,
    conditions: [
      ...filled,
      ...Array.from({ length: spare }, () => ({
        kind: '' as const,
        activity: '',
        score: '',
        achievement: '',
      })),
    ],
  };
}

/**
 * The rule in plain words, for the list of achievements. `nameOf` gives an activity's or
 * achievement's name where one is known.
 */
export function describeRule(
  rule: Rule,
  t: (key: string, options?: Record<string, unknown>) => string,
  nameOf: (ref: string) => string,
): string {
  const k = (key: string, options?: Record<string, unknown>) =>
    t(`teacher-achievements:ruleSummary.${key}`, options);
  const list = (rules: readonly Rule[]) =>
    rules.map((child) => describeRule(child, t, nameOf)).join(k('separator'));
  if ('passed' in rule) return k('passed', { activity: nameOf(leafOf(rule)?.ref ?? '') });
  if ('completed' in rule) return k('completed', { activity: nameOf(leafOf(rule)?.ref ?? '') });
  if ('scoreAtLeast' in rule) {
    return k('scoreAtLeast', {
      activity: nameOf(rule.scoreAtLeast.activity),
      percent: Math.round(rule.scoreAtLeast.scaled * 100),
    });
  }
  if ('earned' in rule) return k('earned', { achievement: nameOf(leafOf(rule)?.ref ?? '') });
  if ('allOf' in rule) return k('allOf', { list: list(rule.allOf) });
  if ('anyOf' in rule) return k('anyOf', { list: list(rule.anyOf) });
  if ('atLeast' in rule) {
    return k('atLeast', { n: rule.atLeast.n, list: list(rule.atLeast.of) });
  }
  if ('distinctGroupsAtLeast' in rule) {
    const { n, tag, count = n, of } = rule.distinctGroupsAtLeast;
    return k('distinctGroups', { n: count, groups: n, tag, list: list(of) });
  }
  const { ects, target } = rule.stackingCap;
  return k('stackingCap', { rule: describeRule(rule.stackingCap.rule, t, nameOf), ects, target });
}
