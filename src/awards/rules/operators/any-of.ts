import { cheapest } from '../evaluation.js';
import { explanation, NO_REFERENCES, type RuleOperator } from '../rule-operator.js';
import { parseList } from '../rule-parts.js';
import type { Rule } from '../rule-operators.js';

declare module '../rule-operators.js' {
  interface RuleNodes {
    anyOf: Rule[];
  }
}

/** `{"anyOf": [rules]}`: one of the rules is met (the one stacking the fewest ECTS counts). */
export const anyOf: RuleOperator<'anyOf', Rule[]> = {
  name: 'anyOf',
  parse: (value, at, walk) => parseList(value, at, walk.parse),
  children: (value) => value,
  references: () => NO_REFERENCES,
  leaf: () => null,
  evaluate: (value, state, context, walk) =>
    cheapest(
      value.map((child) => walk.evaluate(child, state, context)),
      1,
    ),
  explain: (value, evaluation, state, context, walk) =>
    explanation(
      'anyOf',
      evaluation.isMet,
      {},
      { children: value.map((child) => walk.explain(child, state, context)) },
    ),
  describe: (value, words) => words.say('anyOf', { list: words.list(value) }),
  form: {
    kind: 'shape',
    shape: 'anyOf',
    toRows: (value) => ({ conditions: value, fields: {} }),
    fromRows: (conditions) => (conditions.length === 1 ? conditions[0] : { anyOf: conditions }),
    fieldOf: () => null,
  },
};
