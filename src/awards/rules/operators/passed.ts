import { evaluateActivity } from '../activity-results.js';
import { explanation, type RuleOperator } from '../rule-operator.js';
import { flatActivityRef, parseActivityRef, type ActivityRef } from '../rule-parts.js';

declare module '../rule-operators.js' {
  interface RuleNodes {
    passed: ActivityRef;
  }
}

/** `{"passed": IRI}`: the learner passed the activity (a pass also counts as `result.success`). */
export const passed: RuleOperator<'passed', ActivityRef> = {
  name: 'passed',
  parse: (value, at) => parseActivityRef(value, at),
  children: () => [],
  references: (value) => ({
    activities: [flatActivityRef(value).ref],
    achievements: [],
    recognised: false,
  }),
  leaf: (value) => ({ kind: 'passed', ...flatActivityRef(value), scaled: null }),
  evaluate: (value, state) => evaluateActivity('passed', flatActivityRef(value), state),
  explain: (value, evaluation) => {
    const { ref } = flatActivityRef(value);
    return explanation('passed', evaluation.isMet, { activity: ref }, { activity: ref });
  },
  describe: (value, words) =>
    words.say('passed', { activity: words.nameOf(flatActivityRef(value).ref) }),
  form: {
    kind: 'condition',
    toRow: (value) =>
      typeof value === 'string' ? { activity: value, score: '', achievement: '' } : null,
    fromRow: (row) => ({ passed: row.activity }),
    fieldOf: () => 'activity',
  },
};
