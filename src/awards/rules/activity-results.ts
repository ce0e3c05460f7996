import { NOT_MET, type ActivityOutcome, type Evaluation, type OutcomeState } from './evaluation.js';
import type { FlatRef } from './rule-parts.js';

/** The learner's outcomes on an activity from the sources the reference accepts. */
export function acceptedOutcomes(state: OutcomeState, activity: FlatRef): ActivityOutcome[] {
  return (state.activities.get(activity.ref) ?? []).filter(
    (outcome) => activity.sources === null || activity.sources.includes(outcome.source),
  );
}

/** The outcome holding the best score, the first among equals; undefined without a score. */
export function bestScoring(outcomes: readonly ActivityOutcome[]): ActivityOutcome | undefined {
  let best: ActivityOutcome | undefined;
  for (const outcome of outcomes) {
    if (outcome.bestScaled !== null && (!best || outcome.bestScaled > (best.bestScaled ?? -2))) {
      best = outcome;
    }
  }
  return best;
}

/** The learner's best scaled score on an activity from any source, or null. */
export function bestScaledOf(state: OutcomeState, activity: string): number | null {
  const scores = (state.activities.get(activity) ?? []).flatMap((outcome) =>
    outcome.bestScaled === null ? [] : [outcome.bestScaled],
  );
  return scores.length > 0 ? Math.max(...scores) : null;
}

/**
 * A condition on one activity: the first accepted outcome that passed or completed it, or the
 * best accepted score when it reaches `scaled`. The evidence records the best score.
 */
export function evaluateActivity(
  condition: 'passed' | 'completed' | 'scoreAtLeast',
  activity: FlatRef,
  state: OutcomeState,
  scaled: number | null = null,
): Evaluation {
  const outcomes = acceptedOutcomes(state, activity);
  const best = bestScoring(outcomes);
  const bestScaled = best?.bestScaled ?? null;
  let evidence: ActivityOutcome | undefined;
  let statementId: string | null = null;
  if (condition === 'passed') {
    evidence = outcomes.find((o) => o.passedBy);
    statementId = evidence?.passedBy ?? null;
  } else if (condition === 'completed') {
    evidence = outcomes.find((o) => o.completedBy);
    statementId = evidence?.completedBy ?? null;
  } else if (bestScaled !== null && scaled !== null && bestScaled >= scaled) {
    evidence = best;
    statementId = best?.bestScoreBy ?? null;
  }
  if (statementId === null || !evidence) return NOT_MET;
  return {
    isMet: true,
    evidence: [
      {
        kind: 'statement',
        statementId,
        activity: activity.ref,
        condition,
        source: evidence.source,
        scaled: bestScaled,
      },
    ],
    stackedEcts: 0,
    refusal: null,
  };
}
