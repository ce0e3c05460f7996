import { AwardRuleInvalidError } from '../errors.js';
import type {
  CapFields,
  ConditionFields,
  RuleFormPart,
  RuleOperator,
  ShapeFields,
  TeacherWords,
} from '../awards/rules/rule-operator.js';
import { operatorOf, RULE_OPERATORS } from '../awards/rules/rule-operators.js';
import { parseRule, type Rule } from '../awards/rules/rule-schema.js';
import type { FieldError, FieldErrors } from './achievement-form.js';

/**
 * The rule form of the teacher's pages as plain data: the common shapes of the rule language
 * (awards/rules/operators/) as rows of conditions under one combinator, an optional stacking cap
 * around them, and the JSON of the rule for everything else. Each operator's `form` says whether
 * it is a kind of condition row, a shape or fields around the whole rule, and how it reads and
 * writes them; operators without one are edited in the JSON view.
 */

type FormOf<Kind> = Extract<RuleFormPart<unknown>, { kind: Kind }>;
const OPERATORS = Object.values(RULE_OPERATORS) as readonly RuleOperator<string, unknown>[];
const formsOf = <Kind extends RuleFormPart<unknown>['kind']>(kind: Kind) =>
  OPERATORS.flatMap((operator) =>
    operator.form?.kind === kind
      ? [{ name: operator.name, form: operator.form as FormOf<Kind> }]
      : [],
  );
const CONDITION_FORMS = new Map(formsOf('condition').map(({ name, form }) => [name, form]));
const SHAPE_FORMS = new Map(formsOf('shape').map(({ form }) => [form.shape, form]));
const SHAPE_OPERATORS = new Map(formsOf('shape').map(({ name, form }) => [name, form]));
const WRAPPER_FORMS = new Map(formsOf('wrapper').map(({ name, form }) => [name, form]));
/** The shape of a rule of one condition, and of a form posted without a shape. */
const DEFAULT_SHAPE = 'allOf';

export const RULE_SHAPES: readonly string[] = [...SHAPE_FORMS.keys(), 'json'];
export type RuleShape = string;
export const CONDITION_KINDS: readonly string[] = [...CONDITION_FORMS.keys()];
export type ConditionKind = string;
const MIN_CONDITION_ROWS = 6;

export interface ConditionRow extends ConditionFields {
  /** The operator of the row, or '' for an empty row. */
  kind: ConditionKind | '';
}

export interface RuleFormValues extends ShapeFields, CapFields {
  shape: RuleShape;
  conditions: ConditionRow[];
  json: string;
}

/** The form of a draft without a rule yet: empty condition rows of the default shape. */
export function emptyRuleFormValues(): RuleFormValues {
  return withSpareRows({
    shape: DEFAULT_SHAPE,
    conditions: [],
    count: '',
    groups: '',
    tag: 'pillar',
    capEcts: '',
    capTarget: '',
    json: '',
  });
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
  const { operator, value } = operatorOf(rule);
  const wrapper = WRAPPER_FORMS.get(operator.name);
  const unwrapped = wrapper ? wrapper.unwrap(value) : { rule, fields: {} };
  const shaped = shapeOf(unwrapped.rule);
  if (!shaped) return withSpareRows(base);
  const rows = shaped.conditions.map(conditionRowOf);
  if (rows.some((row) => row === null)) return withSpareRows(base);
  return withSpareRows({
    ...base,
    ...unwrapped.fields,
    ...shaped.fields,
    conditions: rows as ConditionRow[],
  });
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
  const shape = RULE_SHAPES.find((candidate) => candidate === field('shape')) ?? DEFAULT_SHAPE;
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
      kind: CONDITION_FORMS.has(kind) ? kind : '',
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
  const rowErrors: FieldErrors = {};
  for (const { row, index } of used) {
    const problem = CONDITION_FORMS.get(row.kind)!.check?.(row);
    if (problem) {
      rowErrors[`conditions.${index}.${problem.field}`] = {
        key: `ruleErrors.${problem.key}`,
        params: { ...problem.params, number: index + 1 },
      };
    }
  }
  if (Object.keys(rowErrors).length > 0) return { values, errors: rowErrors };
  const leaves = used.map(({ row }) => CONDITION_FORMS.get(row.kind)!.fromRow(row));
  const inner = SHAPE_FORMS.get(shape)!.fromRows(leaves, values);
  const rule = [...WRAPPER_FORMS.values()].reduce(
    (wrapped, form) => form.wrap(wrapped, values),
    inner,
  );
  const isSingle = leaves.length === 1 && inner === leaves[0];
  return checked(values, rule, (path) => formFieldOfRulePath(path, isSingle, used));
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
    [/must name at least one of achievement, alignment, issuer or minEcts/, 'recognisedNeedsOne'],
    [/partner's achievement id/, 'recognisedAchievement'],
    [/must be a target URL or code/, 'recognisedAlignment'],
    [/must be a partner issuer/, 'recognisedIssuer'],
    [/number of ECTS above 0/, 'recognisedEcts'],
    [/must be a group name/, 'recognisedGroup'],
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
    [/must be passed, completed, satisfied, scoreAtLeast, earned or recognised/, 'groupLeaf'],
    [/exactly one of/, 'kind'],
    [/must list at least/, 'noConditions'],
  ];
  const key = patterns.find(([pattern]) => pattern.test(message))?.[1] ?? 'invalid';
  return { key: `ruleErrors.${key}`, params: { path } };
}

/** The form field a part of the rule (the path in a parseRule message) is typed in. */
function formFieldOfRulePath(
  path: string,
  isSingle: boolean,
  used: readonly { row: ConditionRow; index: number }[],
): string {
  let inner = path.replace(/^rule/, '');
  const wrapped = /^\.(\w+)(?:\.(\w+))?/.exec(inner);
  const wrapper = wrapped && WRAPPER_FORMS.get(wrapped[1]!);
  if (wrapped && wrapper) {
    const field = wrapper.fieldOf(wrapped[2]);
    if (field !== null) return field;
    inner = inner.slice(wrapped[0].length);
  }
  const condition = isSingle
    ? /^\.(\w+)(?:\.(\w+))?/.exec(inner)
    : /\[(\d+)\]\.(\w+)(?:\.(\w+))?/.exec(inner);
  if (condition) {
    const [kind, part] = isSingle ? [condition[1], condition[2]] : [condition[2], condition[3]];
    const row = used[isSingle ? 0 : Number(condition[1])]?.index ?? 0;
    const field = CONDITION_FORMS.get(kind ?? '')?.fieldOf(part) ?? 'activity';
    return `conditions.${row}.${field}`;
  }
  const shapePart = /^\.(\w+)\.(\w+)$/.exec(inner);
  return (shapePart && SHAPE_OPERATORS.get(shapePart[1]!)?.fieldOf(shapePart[2]!)) ?? 'conditions';
}

/** The rows and fields of a rule the form shows (one condition is an all-of), or null. */
function shapeOf(
  rule: Rule,
): { conditions: readonly Rule[]; fields: Partial<RuleFormValues> } | null {
  const { operator, value } = operatorOf(rule);
  if (CONDITION_FORMS.has(operator.name)) {
    return { conditions: [rule], fields: { shape: DEFAULT_SHAPE } };
  }
  const form = SHAPE_OPERATORS.get(operator.name);
  if (!form) return null;
  const { conditions, fields } = form.toRows(value);
  return { conditions, fields: { ...fields, shape: form.shape } };
}

/** The form row of a condition, or null when the form cannot show it. */
function conditionRowOf(rule: Rule): ConditionRow | null {
  const { operator, value } = operatorOf(rule);
  const row = CONDITION_FORMS.get(operator.name)?.toRow(value) ?? null;
  return row && { ...row, kind: operator.name };
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
  const words: TeacherWords = {
    say: (key, options) => t(`teacher-achievements:ruleSummary.${key}`, options),
    nameOf,
    rule: (child) => describeRule(child, t, nameOf),
    list: (rules) => rules.map(words.rule).join(words.say('separator')),
  };
  const { operator, value } = operatorOf(rule);
  return operator.describe(value, words);
}
