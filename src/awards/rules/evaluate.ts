import type { Rule } from './rule-schema.js';

/** What a learner has shown on one activity, from their statements. */
export interface ActivityOutcome {
  readonly passedBy: string | null;
  readonly completedBy: string | null;
  readonly bestScaled: number | null;
  readonly bestScoreBy: string | null;
}

export type OutcomeState = ReadonlyMap<string, ActivityOutcome>;

export interface Evaluation {
  readonly isMet: boolean;
  /** Ids of the statements that satisfied the rule (empty when it is not met). */
  readonly evidenceStatementIds: readonly string[];
  /** Best scaled score of each activity the evidence names, where one was given. */
  readonly scores: ReadonlyMap<string, number>;
}

const NOT_MET: Evaluation = { isMet: false, evidenceStatementIds: [], scores: new Map() };

/** Evaluates a rule against a learner's outcome state. Pure and deterministic. */
export function evaluateRule(rule: Rule, state: OutcomeState): Evaluation {
  if ('passed' in rule) {
    const outcome = state.get(rule.passed);
    return outcome?.passedBy ? met(rule.passed, outcome, outcome.passedBy) : NOT_MET;
  }
  if ('completed' in rule) {
    const outcome = state.get(rule.completed);
    return outcome?.completedBy ? met(rule.completed, outcome, outcome.completedBy) : NOT_MET;
  }
  if ('scoreAtLeast' in rule) {
    const { activity, scaled } = rule.scoreAtLeast;
    const outcome = state.get(activity);
    return outcome?.bestScoreBy && outcome.bestScaled !== null && outcome.bestScaled >= scaled
      ? met(activity, outcome, outcome.bestScoreBy)
      : NOT_MET;
  }
  if ('allOf' in rule) {
    const results = rule.allOf.map((child) => evaluateRule(child, state));
    return results.every((result) => result.isMet) ? combine(results) : NOT_MET;
  }
  const first = rule.anyOf
    .map((child) => evaluateRule(child, state))
    .find((result) => result.isMet);
  return first ?? NOT_MET;
}

function met(activity: string, outcome: ActivityOutcome, statementId: string): Evaluation {
  const scores = new Map<string, number>();
  if (outcome.bestScaled !== null) scores.set(activity, outcome.bestScaled);
  return { isMet: true, evidenceStatementIds: [statementId], scores };
}

function combine(results: readonly Evaluation[]): Evaluation {
  return {
    isMet: true,
    evidenceStatementIds: [...new Set(results.flatMap((result) => result.evidenceStatementIds))],
    scores: new Map(results.flatMap((result) => [...result.scores])),
  };
}
