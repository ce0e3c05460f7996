import { evaluateRule, type OutcomeState } from './evaluate.js';
import type { Rule } from './rule-schema.js';

/** One condition of a rule, and whether the learner has met it yet. */
export interface ConditionProgress {
  readonly kind: 'passed' | 'completed' | 'scoreAtLeast';
  readonly activity: string;
  readonly isMet: boolean;
  /** For scoreAtLeast: the scaled score needed. */
  readonly threshold: number | null;
  /** The learner's best scaled score on the activity so far. */
  readonly bestScaled: number | null;
}

/** The leaf conditions of a rule in reading order, each with the learner's progress on it. */
export function describeProgress(rule: Rule, state: OutcomeState): ConditionProgress[] {
  if ('allOf' in rule) return rule.allOf.flatMap((child) => describeProgress(child, state));
  if ('anyOf' in rule) return rule.anyOf.flatMap((child) => describeProgress(child, state));
  const isMet = evaluateRule(rule, state).isMet;
  if ('passed' in rule) return [leaf('passed', rule.passed, isMet, null, state)];
  if ('completed' in rule) return [leaf('completed', rule.completed, isMet, null, state)];
  const { activity, scaled } = rule.scoreAtLeast;
  return [leaf('scoreAtLeast', activity, isMet, scaled, state)];
}

function leaf(
  kind: ConditionProgress['kind'],
  activity: string,
  isMet: boolean,
  threshold: number | null,
  state: OutcomeState,
): ConditionProgress {
  return { kind, activity, isMet, threshold, bestScaled: state.get(activity)?.bestScaled ?? null };
}
