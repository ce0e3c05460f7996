import { ruleWalk, type Rule } from './rule-operators.js';
import type { Leaf } from './rule-operator.js';
import { WHOLE_RULE } from './rule-parts.js';

export type { Leaf } from './rule-operator.js';
export type { Rule, RuleOperatorName } from './rule-operators.js';
export {
  STATEMENT_SOURCES,
  type AchievementRef,
  type ActivityRef,
  type StatementSource,
} from './rule-parts.js';

/**
 * Checks a rule a teacher sent and returns it as a Rule. Throws AwardRuleInvalidError naming
 * the bad part, e.g. `rule.allOf[1].scoreAtLeast.scaled must be at most 1`. The operators and
 * their JSON are in operators/ (listed in rule-operators.ts).
 */
export function parseRule(input: unknown): Rule {
  return ruleWalk.parse(input, WHOLE_RULE);
}

/** The condition a rule is on one activity or achievement, flattened, or null. */
export function leafOf(rule: Rule): Leaf | null {
  return ruleWalk.leafOf(rule);
}

/** Every leaf of a rule in reading order. */
export function leavesOf(rule: Rule): Leaf[] {
  return conditionsOf(rule).flatMap((condition) => {
    const leaf = leafOf(condition);
    return leaf ? [leaf] : [];
  });
}

/**
 * The conditions of a rule in reading order: the nodes without sub-rules (on activities or
 * achievements), which the teacher's progress page counts.
 */
export function conditionsOf(rule: Rule): Rule[] {
  const children = ruleWalk.children(rule);
  return children.length === 0 ? [rule] : children.flatMap(conditionsOf);
}

/** The activity IRIs a rule looks at, to find the rules a new statement may change. */
export function activitiesOfRule(rule: Rule): string[] {
  return [...ruleWalk.referencesOf(rule).activities];
}

/** The achievement ids a rule stacks, to find the rules a new or revoked credential may change. */
export function achievementsOfRule(rule: Rule): string[] {
  return [...ruleWalk.referencesOf(rule).achievements];
}

/** True when credentials recognised from partners count toward the rule (`recognised`). */
export function countsRecognised(rule: Rule): boolean {
  return ruleWalk.referencesOf(rule).recognised;
}
