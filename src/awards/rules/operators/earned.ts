import { NOT_MET } from '../evaluation.js';
import { explanation, type RuleOperator } from '../rule-operator.js';
import { flatAchievementRef, parseAchievementRef, type AchievementRef } from '../rule-parts.js';

declare module '../rule-operators.js' {
  interface RuleNodes {
    earned: AchievementRef;
  }
}

/**
 * `{"earned": ACHIEVEMENT_ID}`: the learner holds a credential of another achievement (a
 * stack). Where only the credit-bearing form counts, a badge does not.
 */
export const earned: RuleOperator<'earned', AchievementRef> = {
  name: 'earned',
  parse: (value, at) => parseAchievementRef(value, at),
  children: () => [],
  references: (value) => ({
    activities: [],
    achievements: [flatAchievementRef(value).ref],
    recognised: false,
  }),
  leaf: (value) => ({ kind: 'earned', ...flatAchievementRef(value), scaled: null }),
  evaluate: (value, state, context) => {
    const { ref, sources } = flatAchievementRef(value);
    const held = state.credentials.get(ref);
    if (!held) return NOT_MET;
    if (context.creditOnly && held.form !== 'micro-credential') return NOT_MET;
    if (sources !== null && !held.sources.every((source) => sources.includes(source))) {
      return NOT_MET;
    }
    const ects = held.form === 'micro-credential' ? held.ects : null;
    return {
      isMet: true,
      evidence: [{ kind: 'credential', achievementId: ref, awardId: held.awardId, ects }],
      stackedEcts: ects ?? 0,
      refusal: null,
    };
  },
  explain: (value, evaluation, state, context) => {
    const { ref } = flatAchievementRef(value);
    const isHeldAsBadgeOnly =
      !evaluation.isMet && context.creditOnly && state.credentials.get(ref)?.form === 'badge';
    return explanation(
      'earned',
      evaluation.isMet,
      { achievement: ref },
      {
        achievement: ref,
        notes: isHeldAsBadgeOnly ? [{ key: 'heldAsBadgeOnly', values: {} }] : [],
      },
    );
  },
  describe: (value, words) =>
    words.say('earned', { achievement: words.nameOf(flatAchievementRef(value).ref) }),
  form: {
    kind: 'condition',
    toRow: (value) =>
      typeof value === 'string' ? { activity: '', score: '', achievement: value } : null,
    fromRow: (row) => ({ earned: row.achievement }),
    fieldOf: () => 'achievement',
  },
};
