import { NOT_MET, combine } from '../evaluation.js';
import { explanation, NO_REFERENCES, type RuleOperator } from '../rule-operator.js';
import { parseList } from '../rule-parts.js';
import type { Rule } from '../rule-operators.js';

declare module '../rule-operators.js' {
  interface RuleNodes {
    allOf: Rule[];
  }
}

/** `{"allOf": [rules]}`: every rule is met. */
export const allOf: RuleOperator<'allOf', Rule[]> = {
  name: 'allOf',
  parse: (value, at, walk) => parseList(value, at, walk.parse),
  children: (value) => value,
  references: () => NO_REFERENCES,
  leaf: () => null,
  evaluate: (value, state, context, walk) => {
    const results = value.map((child) => walk.evaluate(child, state, context));
    return results.every((result) => result.isMet) ? combine(results) : NOT_MET;
  },
  explain: (value, evaluation, state, context, walk) => {
    const children = value.map((child) => walk.explain(child, state, context));
    const met = children.filter((child) => child.isMet).length;
    return explanation('allOf', evaluation.isMet, { met, total: children.length }, { children });
  },
  describe: (value, words) => words.say('allOf', { list: words.list(value) }),
  form: {
    kind: 'shape',
    shape: 'allOf',
    toRows: (value) => ({ conditions: value, fields: {} }),
    fromRows: (conditions) => (conditions.length === 1 ? conditions[0] : { allOf: conditions }),
    fieldOf: () => null,
  },
};
