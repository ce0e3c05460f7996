import type { Evaluation, EvaluationContext, OutcomeState } from './evaluation.js';
import { ruleWalk, type Rule } from './rule-operators.js';

export type {
  ActivityOutcome,
  Evaluation,
  EvaluationContext,
  Evidence,
  HeldCredential,
  OutcomeState,
  RecognisedCredential,
} from './evaluation.js';

/**
 * Evaluates a rule against a learner's outcome state. Pure and deterministic. Where several
 * choices meet a rule (`anyOf`, `atLeast`, `distinctGroupsAtLeast`) it picks the one that
 * stacks the fewest ECTS, earlier rules first among equals, so more evidence never makes a
 * met rule fail. Throws AwardRuleOperatorUnknownError for a node no operator handles.
 */
export function evaluateRule(
  rule: Rule,
  state: OutcomeState,
  context: EvaluationContext = { groups: new Map(), creditOnly: false },
): Evaluation {
  return ruleWalk.evaluate(rule, state, context);
}

/** The statement ids in an evaluation's evidence, without repeats. */
export function evidenceStatementIds(evaluation: Evaluation): string[] {
  return [
    ...new Set(
      evaluation.evidence.flatMap((item) => (item.kind === 'statement' ? [item.statementId] : [])),
    ),
  ];
}

/** Mean best scaled score over the activities in the evidence (clamped at 0), or null. */
export function evidenceScore(evaluation: Evaluation): number | null {
  const byActivity = new Map<string, number>();
  for (const item of evaluation.evidence) {
    if (item.kind === 'statement' && item.scaled !== null) {
      byActivity.set(item.activity, Math.max(0, item.scaled));
    }
  }
  const scores = [...byActivity.values()];
  return scores.length === 0 ? null : scores.reduce((a, b) => a + b, 0) / scores.length;
}
