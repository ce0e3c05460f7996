import type { ActivityOutcome, OutcomeState } from './rules/evaluate.js';

const VERB_PASSED = 'http://adlnet.gov/expapi/verbs/passed';
const VERB_COMPLETED = 'http://adlnet.gov/expapi/verbs/completed';

/** The facts of one stored statement that outcomes are made of. */
export interface OutcomeFact {
  readonly statementId: string;
  readonly activityId: string;
  readonly verbId: string;
  readonly success: boolean | null;
  readonly completion: boolean | null;
  readonly scoreScaled: number | null;
}

/**
 * Folds statements (oldest first) into per-activity outcomes: passed when a statement says
 * `passed` or `result.success: true`; completed when it says `completed`, `result.completion:
 * true`, or passed; the best scaled score. The first statement to show each fact is its evidence.
 */
export function buildOutcomeState(facts: Iterable<OutcomeFact>): OutcomeState {
  const state = new Map<string, ActivityOutcome>();
  for (const fact of facts) {
    const previous = state.get(fact.activityId) ?? {
      passedBy: null,
      completedBy: null,
      bestScaled: null,
      bestScoreBy: null,
    };
    const isPass = fact.verbId === VERB_PASSED || fact.success === true;
    const isCompletion = isPass || fact.verbId === VERB_COMPLETED || fact.completion === true;
    const isBetterScore =
      fact.scoreScaled !== null &&
      (previous.bestScaled === null || fact.scoreScaled > previous.bestScaled);
    state.set(fact.activityId, {
      passedBy: previous.passedBy ?? (isPass ? fact.statementId : null),
      completedBy: previous.completedBy ?? (isCompletion ? fact.statementId : null),
      bestScaled: isBetterScore ? fact.scoreScaled : previous.bestScaled,
      bestScoreBy: isBetterScore ? fact.statementId : previous.bestScoreBy,
    });
  }
  return state;
}
