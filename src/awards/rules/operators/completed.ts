import { evaluateActivity } from '../activity-results.js';
import { explanation, type RuleOperator } from '../rule-operator.js';
import { flatActivityRef, parseActivityRef, type ActivityRef } from '../rule-parts.js';

declare module '../rule-operators.js' {
  interface RuleNodes {
    completed: ActivityRef;
  }
}

/** `{"completed": IRI}`: the learner completed the activity (a pass alone is not a completion). */
export const completed: RuleOperator<'completed', ActivityRef> = {
  name: 'completed',
  parse: (value, at) => parseActivityRef(value, at),
  children: () => [],
  references: (value) => ({
    activities: [flatActivityRef(value).ref],
    achievements: [],
    recognised: false,
  }),
  leaf: (value) => ({ kind: 'completed', ...flatActivityRef(value), scaled: null }),
  evaluate: (value, state) => evaluateActivity('completed', flatActivityRef(value), state),
  explain: (value, evaluation) => {
    const { ref } = flatActivityRef(value);
    return explanation('completed', evaluation.isMet, { activity: ref }, { activity: ref });
  },
  describe: (value, words) =>
    words.say('completed', { activity: words.nameOf(flatActivityRef(value).ref) }),
  form: {
    kind: 'condition',
    toRow: (value) =>
      typeof value === 'string' ? { activity: value, score: '', achievement: '' } : null,
    fromRow: (row) => ({ completed: row.activity }),
    fieldOf: () => 'activity',
  },
};
