import type { AverageWeighting } from '../badges/open-badge-credential.js';
import type { Evaluation } from './rules/evaluate.js';
import { operatorOf, type Rule } from './rules/rule-operators.js';
import { achievementsOfRule, countsRecognised } from './rules/rule-schema.js';

/** How a stack's credential counts its ECTS (achievements.stackCredit). */
export type StackCredit = 'components' | 'fixed';
/** The result a stack's credential carries (achievements.stackResult). */
export type StackResult = 'none' | 'pass' | 'weighted-average';

export const STACK_CREDITS = ['components', 'fixed'] as const satisfies readonly StackCredit[];
export const STACK_RESULTS = [
  'none',
  'pass',
  'weighted-average',
] as const satisfies readonly StackResult[];

/**
 * True when a rule stacks credentials: of other achievements (`earned`) or recognised from
 * partners (`recognised`) somewhere in it.
 */
export function isStackRule(rule: Rule): boolean {
  return achievementsOfRule(rule).length > 0 || countsRecognised(rule);
}

/** The ECTS of the rule's stacking cap (the target the credentials must stay below), or null. */
export function stackingCapEcts(rule: Rule): number | null {
  const { operator, value } = operatorOf(rule);
  return operator.name === 'stackingCap' ? (value as { ects: number }).ects : null;
}

/**
 * The ECTS a credential of this evaluation carries: none for the badge form; for a stack whose
 * credit is `components`, the ECTS of the credentials that met the rule (the achievement's own
 * ECTS when none of them carries any); otherwise the achievement's ECTS. Never more than the
 * rule's stacking cap. Computed once, at award (and the same way in the rule preview), and
 * stored with the award: every place that shows the figure reads that one number.
 */
export function creditsEarned(options: {
  form: 'micro-credential' | 'badge';
  rule: Rule;
  achievementEcts: number | null;
  stackCredit: StackCredit;
  evaluation: Evaluation;
}): number | null {
  const { form, rule, achievementEcts, stackCredit, evaluation } = options;
  if (form === 'badge') return null;
  const fromComponents =
    isStackRule(rule) && stackCredit === 'components' && evaluation.stackedEcts > 0
      ? evaluation.stackedEcts
      : null;
  const credit = fromComponents ?? achievementEcts;
  const cap = stackingCapEcts(rule);
  return credit === null || cap === null ? credit : Math.min(credit, cap);
}

/** A stacked credential of ours as the stack's result sees it. */
export interface StackedResult {
  readonly ects: number | null;
  /** The component's result from 0 to 1, or null when it has none. */
  readonly scoreScaled: number | null;
}

/** A stack's average result, and how it weighed the stacked credentials to get it. */
export interface StackAverage {
  /** From 0 to 1, to four decimals. */
  readonly scoreScaled: number;
  readonly weighting: AverageWeighting;
}

/**
 * The average (0 to 1) of the stacked credentials' results, over those that have one: weighted
 * by their ECTS, or each counting equally when any of them carries no ECTS (the badge form); the
 * weighting comes with it, for the credential to say which it is. Null when none of them has a
 * result.
 */
export function weightedAverageResult(components: readonly StackedResult[]): StackAverage | null {
  const scored = components.filter((component) => component.scoreScaled !== null);
  if (scored.length === 0) return null;
  const weighting = scored.every((component) => (component.ects ?? 0) > 0) ? 'ects' : 'equal';
  const weightOf = (component: StackedResult) => (weighting === 'ects' ? component.ects! : 1);
  const total = scored.reduce((sum, component) => sum + weightOf(component), 0);
  const sum = scored.reduce(
    (acc, component) => acc + weightOf(component) * component.scoreScaled!,
    0,
  );
  return { scoreScaled: Math.round((sum / total) * 10_000) / 10_000, weighting };
}
