import type { StatementSource } from './rules/rule-schema.js';

const VERB_PASSED = 'http://adlnet.gov/expapi/verbs/passed';
const VERB_COMPLETED = 'http://adlnet.gov/expapi/verbs/completed';
/** cmi5 section 9.3.9 (a block or course met its AUs' moveOn) and 9.3.7 (an AU waived). */
const VERBS_SATISFYING = [
  'https://w3id.org/xapi/adl/verbs/satisfied',
  'https://w3id.org/xapi/adl/verbs/waived',
];

/** The facts of one stored statement that outcomes are made of. */
export interface OutcomeFact {
  readonly statementId: string;
  readonly userId: string;
  readonly activityId: string;
  readonly registration: string | null;
  readonly source: StatementSource;
  readonly verbId: string;
  readonly success: boolean | null;
  readonly completion: boolean | null;
  readonly scoreScaled: number | null;
}

/** One row of `outcome_states`: a learner's outcome on an activity, per registration and source. */
export interface OutcomeRow {
  readonly userId: string;
  readonly activityId: string;
  /** '' when the statements named no registration. */
  readonly registration: string;
  readonly source: StatementSource;
  readonly passedBy: string | null;
  readonly completedBy: string | null;
  readonly satisfiedBy: string | null;
  readonly bestScaled: number | null;
  readonly bestScoreBy: string | null;
}

/**
 * Folds statements (oldest first) into outcome rows: passed when a statement says `passed` or
 * `result.success: true`; completed when it says `completed` or `result.completion: true` (a
 * pass alone is no completion: cmi5 keeps them apart, moveOn `CompletedAndPassed` needs both);
 * satisfied when the LMS said `satisfied` or `waived` about it; the best scaled score. The first statement to show each fact is its evidence. Rows
 * come out sorted by key, so concurrent writers lock them in the same order.
 */
export function foldOutcomes(facts: Iterable<OutcomeFact>): OutcomeRow[] {
  const rows = new Map<string, OutcomeRow>();
  for (const fact of facts) {
    const registration = fact.registration ?? '';
    const key = JSON.stringify([fact.userId, fact.activityId, registration, fact.source]);
    const previous = rows.get(key);
    rows.set(
      key,
      mergeOutcome(previous, {
        userId: fact.userId,
        activityId: fact.activityId,
        registration,
        source: fact.source,
        ...outcomeOf(fact),
      }),
    );
  }
  return [...rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
}

/** An earlier row (if any) updated with a later one: first evidence kept, best score kept. */
export function mergeOutcome(earlier: OutcomeRow | undefined, later: OutcomeRow): OutcomeRow {
  if (!earlier) return later;
  const isBetterScore =
    later.bestScaled !== null &&
    (earlier.bestScaled === null || later.bestScaled > earlier.bestScaled);
  return {
    ...earlier,
    passedBy: earlier.passedBy ?? later.passedBy,
    completedBy: earlier.completedBy ?? later.completedBy,
    satisfiedBy: earlier.satisfiedBy ?? later.satisfiedBy,
    bestScaled: isBetterScore ? later.bestScaled : earlier.bestScaled,
    bestScoreBy: isBetterScore ? later.bestScoreBy : earlier.bestScoreBy,
  };
}

function outcomeOf(fact: OutcomeFact) {
  const isPass = fact.verbId === VERB_PASSED || fact.success === true;
  const isCompletion = fact.verbId === VERB_COMPLETED || fact.completion === true;
  return {
    passedBy: isPass ? fact.statementId : null,
    completedBy: isCompletion ? fact.statementId : null,
    satisfiedBy: VERBS_SATISFYING.includes(fact.verbId) ? fact.statementId : null,
    bestScaled: fact.scoreScaled,
    bestScoreBy: fact.scoreScaled === null ? null : fact.statementId,
  };
}
