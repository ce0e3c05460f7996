import type { EvaluationContext, OutcomeState } from './evaluation.js';
import type { Explanation } from './rule-operator.js';
import { ruleWalk, type Rule } from './rule-operators.js';

/**
 * Where a learner stands on a rule, node by node, for the learner's page: the same tree as the
 * rule, each line saying in catalog keys (`learner:condition.*`) whether it is met and what it
 * counts. Each operator explains its own node (operators/*.ts). Pure.
 */
export type ProgressNode = Explanation;

export function explainProgress(
  rule: Rule,
  state: OutcomeState,
  context: EvaluationContext,
): ProgressNode {
  return ruleWalk.explain(rule, state, context);
}

/** The activity IRIs and achievement ids a progress tree names, in reading order. */
export function referencesOf(node: ProgressNode): { activities: string[]; achievements: string[] } {
  const activities: string[] = [];
  const achievements: string[] = [];
  const walk = (current: ProgressNode) => {
    if (current.activity !== null) activities.push(current.activity);
    if (current.achievement !== null) achievements.push(current.achievement);
    current.children.forEach(walk);
  };
  walk(node);
  return { activities: [...new Set(activities)], achievements: [...new Set(achievements)] };
}
