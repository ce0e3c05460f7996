import { evaluateRule, type EvaluationContext, type OutcomeState } from './evaluate.js';
import { leavesOf, type Rule } from './rule-schema.js';

/** One activity condition of a rule, and whether the learner has met it yet. */
export interface ConditionProgress {
  readonly kind: 'passed' | 'completed' | 'scoreAtLeast';
  readonly activity: string;
  readonly isMet: boolean;
  /** For scoreAtLeast: the scaled score needed. */
  readonly threshold: number | null;
  /** The learner's best scaled score on the activity so far. */
  readonly bestScaled: number | null;
}

/**
 * The activity conditions of a rule in reading order, each with the learner's progress on it.
 * Stacked credentials (`earned`) are listed with their own achievements, not here.
 */
export function describeProgress(
  rule: Rule,
  state: OutcomeState,
  context?: EvaluationContext,
): ConditionProgress[] {
  return leavesOf(rule).flatMap((leaf): ConditionProgress[] => {
    if (leaf.kind === 'earned') return [];
    const sources = leaf.sources === null ? {} : { sources: [...leaf.sources] };
    const ref =
      leaf.sources === null ? leaf.ref : { activity: leaf.ref, sources: [...leaf.sources] };
    const asRule: Rule =
      leaf.kind === 'scoreAtLeast'
        ? { scoreAtLeast: { activity: leaf.ref, scaled: leaf.scaled ?? 0, ...sources } }
        : leaf.kind === 'passed'
          ? { passed: ref }
          : { completed: ref };
    const scores = (state.activities.get(leaf.ref) ?? []).flatMap((o) =>
      o.bestScaled === null ? [] : [o.bestScaled],
    );
    return [
      {
        kind: leaf.kind,
        activity: leaf.ref,
        isMet: evaluateRule(asRule, state, context).isMet,
        threshold: leaf.scaled,
        bestScaled: scores.length > 0 ? Math.max(...scores) : null,
      },
    ];
  });
}
