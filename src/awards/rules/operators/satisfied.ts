import { acceptedOutcomes } from '../activity-results.js';
import { NOT_MET, type ActivityOutcome, type Cmi5MoveOnCriterion } from '../evaluation.js';
import { explanation, type RuleOperator } from '../rule-operator.js';
import { flatActivityRef, parseActivityRef, type ActivityRef } from '../rule-parts.js';

declare module '../rule-operators.js' {
  interface RuleNodes {
    satisfied: ActivityRef;
  }
}

/**
 * `{"satisfied": IRI}`: cmi5's "satisfied" (cmi5 section 9.3.9) for an AU, block or course the
 * LMS generated the id of. A block or course is satisfied by the LMS's `satisfied` statement; an
 * AU when the LMS waived it, or when one registration shows what its moveOn asks (section
 * 13.1.4): `Passed`, `Completed`, both, either, or nothing (`NotApplicable`, evidenced by
 * whatever the learner did).
 */
export const satisfied: RuleOperator<'satisfied', ActivityRef> = {
  name: 'satisfied',
  parse: (value, at) => parseActivityRef(value, at),
  children: () => [],
  references: (value) => ({
    activities: [flatActivityRef(value).ref],
    achievements: [],
    recognised: false,
  }),
  leaf: (value) => ({ kind: 'satisfied', ...flatActivityRef(value), scaled: null }),
  evaluate: (value, state) => {
    const activity = flatActivityRef(value);
    const moveOn = state.moveOn?.get(activity.ref);
    for (const outcome of acceptedOutcomes(state, activity)) {
      const statementIds = satisfiedBy(outcome, moveOn);
      if (statementIds.length === 0) continue;
      return {
        isMet: true,
        evidence: statementIds.map((statementId) => ({
          kind: 'statement' as const,
          statementId,
          activity: activity.ref,
          condition: 'satisfied' as const,
          source: outcome.source,
          scaled: outcome.bestScaled,
        })),
        stackedEcts: 0,
        refusal: null,
      };
    }
    return NOT_MET;
  },
  explain: (value, evaluation) => {
    const { ref } = flatActivityRef(value);
    return explanation('satisfied', evaluation.isMet, { activity: ref }, { activity: ref });
  },
  describe: (value, words) =>
    words.say('satisfied', { activity: words.nameOf(flatActivityRef(value).ref) }),
  form: {
    kind: 'condition',
    toRow: (value) =>
      typeof value === 'string' ? { activity: value, score: '', achievement: '' } : null,
    fromRow: (row) => ({ satisfied: row.activity }),
    fieldOf: () => 'activity',
  },
};

/** The statements that show one outcome (one registration and source) met the criterion. */
function satisfiedBy(outcome: ActivityOutcome, moveOn: Cmi5MoveOnCriterion | undefined): string[] {
  if (outcome.satisfiedBy) return [outcome.satisfiedBy];
  const { passedBy, completedBy } = outcome;
  switch (moveOn) {
    case 'Passed':
      return passedBy ? [passedBy] : [];
    case 'Completed':
      return completedBy ? [completedBy] : [];
    case 'CompletedAndPassed':
      return passedBy && completedBy ? [completedBy, passedBy] : [];
    case 'CompletedOrPassed':
    case 'NotApplicable': {
      const first = completedBy ?? passedBy;
      return first ? [first] : [];
    }
    case undefined:
      return [];
  }
}
