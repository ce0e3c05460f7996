import type { Evaluation, EvaluationContext, OutcomeState } from './evaluation.js';
import type { StatementSource } from './rule-parts.js';
import type { Rule } from './rule-operators.js';

/**
 * What a rule operator is: one file in operators/ exports one of these, and rule-operators.ts
 * lists them all. Every consumer (parsing, evaluation, the learner's progress, the teacher's
 * summary, the rule form, the rule index) goes through this list, so a new operator is one new
 * file there, one line in the list and its catalog strings. Operators are pure; they reach
 * sub-rules only through the `RuleWalk` they are given.
 */
export interface RuleOperator<Name extends string, Value> {
  /** The JSON key of the node, e.g. `passed` in `{"passed": IRI}`. */
  readonly name: Name;
  /**
   * Checks the value under the key and returns it as stored. `at` is the path of the value,
   * e.g. `rule.allOf[1].passed`; throws AwardRuleInvalidError whose message starts with the
   * path of the bad part.
   */
  parse(value: unknown, at: string, walk: RuleWalk): Value;
  /** The sub-rules (none for a condition on activities or achievements). */
  children(value: Value): readonly Rule[];
  /** The activities and achievements the node itself looks at (not its sub-rules'). */
  references(value: Value): References;
  /** The node as one condition on one activity or achievement, or null (groups need one). */
  leaf(value: Value): Leaf | null;
  /** Whether the learner meets the node. Pure and deterministic. */
  evaluate(
    value: Value,
    state: OutcomeState,
    context: EvaluationContext,
    walk: RuleWalk,
  ): Evaluation;
  /** What is done and what is missing, for the learner, as catalog keys and their values. */
  explain(
    value: Value,
    evaluation: Evaluation,
    state: OutcomeState,
    context: EvaluationContext,
    walk: RuleWalk,
  ): Explanation;
  /** The node in plain words for the teacher (catalog `teacher-achievements:ruleSummary`). */
  describe(value: Value, words: TeacherWords): string;
  /** How the rule form shows the node; null: only in the JSON view. */
  readonly form: RuleFormPart<Value> | null;
}

/** The generic walk over a rule tree, handed to operators for their sub-rules. */
export interface RuleWalk {
  parse(input: unknown, at: string): Rule;
  evaluate(rule: Rule, state: OutcomeState, context: EvaluationContext): Evaluation;
  explain(rule: Rule, state: OutcomeState, context: EvaluationContext): Explanation;
  leafOf(rule: Rule): Leaf | null;
  children(rule: Rule): readonly Rule[];
  referencesOf(rule: Rule): References;
}

export interface References {
  readonly activities: readonly string[];
  readonly achievements: readonly string[];
  /** Whether credentials recognised from partners count (a new one may meet the rule). */
  readonly recognised: boolean;
}

/** A condition on one activity or achievement, flattened. */
export interface Leaf {
  /** The operator, e.g. `passed` or `earned`. */
  readonly kind: string;
  /** The activity IRI, or for `earned` the achievement id. */
  readonly ref: string;
  readonly sources: readonly StatementSource[] | null;
  /** For scoreAtLeast: the scaled score needed. */
  readonly scaled: number | null;
  /** The leaf's own group (by tag), where the rule gives one (a recognised credential). */
  readonly group?: string;
}

/** One line of the learner's "what is done and what is missing", with the lines under it. */
export interface Explanation {
  /** Catalog key under `learner:condition.`. */
  readonly key: string;
  /** Its values; `activity` and `achievement` hold the IRI or id, which the page names. */
  readonly values: Readonly<Record<string, string | number>>;
  readonly isMet: boolean;
  /** Extra lines (best score so far, group covered...): keys under `learner:condition.`. */
  readonly notes: readonly ExplanationNote[];
  /** The activity the line is about (the page links to its content), else null. */
  readonly activity: string | null;
  /** The achievement the line is about, else null. */
  readonly achievement: string | null;
  readonly children: readonly Explanation[];
}

export interface ExplanationNote {
  readonly key: string;
  readonly values: Readonly<Record<string, string | number>>;
}

/** What an operator's teacher summary is written with. */
export interface TeacherWords {
  /** The text of a key under `teacher-achievements:ruleSummary.`. */
  say(key: string, values?: Record<string, unknown>): string;
  /** The name of an activity or achievement, where one is known. */
  nameOf(ref: string): string;
  /** A sub-rule in plain words. */
  rule(rule: Rule): string;
  /** Sub-rules in plain words, joined. */
  list(rules: readonly Rule[]): string;
}

/** The fields of a condition row of the rule form, as typed. */
export interface ConditionFields {
  readonly activity: string;
  /** The score needed, in percent. */
  readonly score: string;
  readonly achievement: string;
}

/** The fields of the rule form a shape reads beside its conditions, as typed. */
export interface ShapeFields {
  /** How many conditions must be met. */
  readonly count: string;
  /** From how many different groups. */
  readonly groups: string;
  readonly tag: string;
}

/** The fields of the rule form for a cap around the whole rule, as typed. */
export interface CapFields {
  readonly capEcts: string;
  readonly capTarget: string;
}

export type RuleFormPart<Value> =
  | {
      /** A row of the conditions list, offered as a kind of condition. */
      readonly kind: 'condition';
      /** The row showing the value, or null when the form cannot (e.g. source limits). */
      toRow(value: Value): ConditionFields | null;
      /** The node a row asks for, for parseRule to check. */
      fromRow(row: ConditionFields): unknown;
      /** The field of the row that a part of the value (`activity`, `scaled`...) is typed in. */
      fieldOf(part: string | undefined): keyof ConditionFields;
      /** What is wrong with the row as typed before the rule is built from it, or null. */
      check?(row: ConditionFields): RowProblem | null;
    }
  | {
      /** A way of combining the conditions, offered as a shape of the rule. */
      readonly kind: 'shape';
      readonly shape: string;
      toRows(value: Value): { conditions: readonly Rule[]; fields: Partial<ShapeFields> };
      fromRows(conditions: readonly unknown[], fields: ShapeFields): unknown;
      /** The field that a part of the value (`n`, `tag`...) is typed in, else null. */
      fieldOf(part: string): keyof ShapeFields | null;
    }
  | {
      /** Fields around the whole rule. */
      readonly kind: 'wrapper';
      unwrap(value: Value): { rule: Rule; fields: CapFields };
      /** The node around `rule`, or `rule` itself when the fields are empty. */
      wrap(rule: unknown, fields: CapFields): unknown;
      /** The field a part of the value is typed in, or null for the wrapped rule. */
      fieldOf(part: string | undefined): keyof CapFields | null;
    };

/** A field of a condition row typed wrong: a catalog key of `teacher-achievements:ruleErrors`. */
export interface RowProblem {
  readonly field: keyof ConditionFields;
  readonly key: string;
  readonly params: Readonly<Record<string, string | number>>;
}

/**
 * What is wrong with a percentage as typed, or null: outside 0 to 100 (`percentRange`), or
 * strictly between 0 and 1 (`percentFraction`), which is almost always a scaled score such as
 * 0.8 typed where 80 was meant, so it is asked about rather than stored as 0.8 %. Text that is
 * no number is left for parseRule to refuse.
 */
export function percentFieldProblem(
  text: string,
): { key: 'percentRange' | 'percentFraction'; params: Record<string, string | number> } | null {
  const percent = numberOfField(text);
  if (typeof percent !== 'number') return null;
  if (percent < 0 || percent > 100) return { key: 'percentRange', params: { value: text } };
  if (percent > 0 && percent < 1) {
    return {
      key: 'percentFraction',
      params: { value: text, meant: percentOfScaled(percent) },
    };
  }
  return null;
}

/** A scaled score (0..1) in percent, to two decimals: 0.8 is 80, 0.008 is 0.8. */
export function percentOfScaled(scaled: number): number {
  return Math.round(scaled * 10_000) / 100;
}

/** A form field as typed: a number, or the text itself for parseRule to refuse. */
export function numberOfField(text: string): number | string {
  const value = Number(text.replace(',', '.'));
  return text !== '' && Number.isFinite(value) ? value : text;
}

/** A percentage as typed in the form, as the scaled score (0..1) the JSON stores. */
export function scaledOfPercentField(text: string): number | string {
  const percent = numberOfField(text);
  return typeof percent === 'number' ? percent / 100 : percent;
}

/** A stored scaled score (0..1) as the percentage the form shows. */
export function percentFieldOfScaled(scaled: number): string {
  return String(percentOfScaled(scaled));
}

/** An explanation line with no notes, references or children unless given. */
export function explanation(
  key: string,
  isMet: boolean,
  values: Readonly<Record<string, string | number>> = {},
  rest: Partial<Pick<Explanation, 'notes' | 'activity' | 'achievement' | 'children'>> = {},
): Explanation {
  return {
    key,
    values,
    isMet,
    notes: [],
    activity: null,
    achievement: null,
    children: [],
    ...rest,
  };
}

export const NO_REFERENCES: References = { activities: [], achievements: [], recognised: false };
