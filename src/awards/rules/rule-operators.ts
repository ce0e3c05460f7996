import { AwardRuleOperatorUnknownError } from '../../errors.js';
import type { Evaluation, EvaluationContext, OutcomeState } from './evaluation.js';
import { allOf } from './operators/all-of.js';
import { anyOf } from './operators/any-of.js';
import { atLeast } from './operators/at-least.js';
import { bestAverageAtLeast } from './operators/best-average-at-least.js';
import { completed } from './operators/completed.js';
import { distinctGroupsAtLeast } from './operators/distinct-groups-at-least.js';
import { earned } from './operators/earned.js';
import { passed } from './operators/passed.js';
import { recognised } from './operators/recognised.js';
import { satisfied } from './operators/satisfied.js';
import { scoreAtLeast } from './operators/score-at-least.js';
import { stackingCap } from './operators/stacking-cap.js';
import type { Explanation, Leaf, References, RuleOperator, RuleWalk } from './rule-operator.js';
import { invalid, isPlainObject } from './rule-parts.js';

/**
 * The nodes of the rule language by operator name: each operator file adds its own entry
 * (`declare module '../rule-operators.js'`) with the JSON value under its key.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by the operator files
export interface RuleNodes {}

export type RuleOperatorName = keyof RuleNodes;

/** A rule is data: a JSON tree of nodes, each `{"<operator>": value}` (see operators/). */
export type Rule = {
  [Name in RuleOperatorName]: { [Key in Name]: RuleNodes[Name] };
}[RuleOperatorName];

/**
 * Every rule operator, in the order messages list them. Parsing, evaluation, the learner's
 * progress, the teacher's summary, the rule form and the rule index all go through this table;
 * its type makes it list exactly the operators that declare a node.
 */
export const RULE_OPERATORS: {
  readonly [Name in RuleOperatorName]: RuleOperator<Name, RuleNodes[Name]>;
} = {
  passed,
  completed,
  satisfied,
  scoreAtLeast,
  earned,
  recognised,
  allOf,
  anyOf,
  atLeast,
  distinctGroupsAtLeast,
  stackingCap,
  bestAverageAtLeast,
};

const BY_NAME: ReadonlyMap<string, RuleOperator<string, unknown>> = new Map(
  Object.values(RULE_OPERATORS).map((operator) => [
    operator.name,
    operator as RuleOperator<string, unknown>,
  ]),
);

/**
 * The operator of a node and its value. Throws AwardRuleOperatorUnknownError for a node no
 * operator handles: it never counts as "not met".
 */
export function operatorOf(rule: Rule): {
  operator: RuleOperator<string, unknown>;
  value: unknown;
} {
  const keys = isPlainObject(rule) ? Object.keys(rule) : [];
  const operator = keys.length === 1 ? BY_NAME.get(keys[0]!) : undefined;
  if (!operator) {
    throw new AwardRuleOperatorUnknownError(
      `No rule operator handles ${JSON.stringify(keys)}; rules must go through parseRule`,
    );
  }
  return { operator, value: (rule as Record<string, unknown>)[operator.name] };
}

/** The walk over rule trees, through the operators. */
export const ruleWalk: RuleWalk = {
  parse(input, at) {
    if (!isPlainObject(input)) {
      throw invalid(`${at} must be an object such as {"passed": "<activity IRI>"}`);
    }
    const keys = Object.keys(input);
    const operator = keys.length === 1 ? BY_NAME.get(keys[0]!) : undefined;
    if (!operator) {
      throw invalid(`${at} must have exactly one of ${[...BY_NAME.keys()].join(', ')}`);
    }
    return {
      [operator.name]: operator.parse(input[operator.name], `${at}.${operator.name}`, ruleWalk),
    } as Rule;
  },
  evaluate(rule: Rule, state: OutcomeState, context: EvaluationContext): Evaluation {
    const { operator, value } = operatorOf(rule);
    return operator.evaluate(value, state, context, ruleWalk);
  },
  explain(rule: Rule, state: OutcomeState, context: EvaluationContext): Explanation {
    const { operator, value } = operatorOf(rule);
    const evaluation = operator.evaluate(value, state, context, ruleWalk);
    return operator.explain(value, evaluation, state, context, ruleWalk);
  },
  leafOf(rule: Rule): Leaf | null {
    const { operator, value } = operatorOf(rule);
    return operator.leaf(value);
  },
  children(rule: Rule): readonly Rule[] {
    const { operator, value } = operatorOf(rule);
    return operator.children(value);
  },
  referencesOf(rule: Rule): References {
    const { operator, value } = operatorOf(rule);
    const own = operator.references(value);
    const below = operator.children(value).map((child) => ruleWalk.referencesOf(child));
    return {
      activities: unique([own.activities, ...below.map((refs) => refs.activities)].flat()),
      achievements: unique([own.achievements, ...below.map((refs) => refs.achievements)].flat()),
      recognised: own.recognised || below.some((refs) => refs.recognised),
    };
  },
};

function unique(items: readonly string[]): string[] {
  return [...new Set(items)];
}
