import { cheapest } from '../evaluation.js';
import { explanation, NO_REFERENCES, numberOfField, type RuleOperator } from '../rule-operator.js';
import { parseCount, parseFields, parseList } from '../rule-parts.js';
import type { Rule } from '../rule-operators.js';

export interface AtLeast {
  n: number;
  of: Rule[];
}

declare module '../rule-operators.js' {
  interface RuleNodes {
    atLeast: AtLeast;
  }
}

/** `{"atLeast": {"n": 2, "of": [rules]}}`: at least n of the rules are met. */
export const atLeast: RuleOperator<'atLeast', AtLeast> = {
  name: 'atLeast',
  parse: (value, at, walk) => {
    const fields = parseFields(value, ['n', 'of'], at, '{"n": 2, "of": [rules]}');
    const of = parseList(fields.of, `${at}.of`, walk.parse);
    return { n: parseCount(fields.n, `${at}.n`, of.length), of };
  },
  children: (value) => value.of,
  references: () => NO_REFERENCES,
  leaf: () => null,
  evaluate: (value, state, context, walk) =>
    cheapest(
      value.of.map((child) => walk.evaluate(child, state, context)),
      value.n,
    ),
  explain: (value, evaluation, state, context, walk) => {
    const children = value.of.map((child) => walk.explain(child, state, context));
    const met = children.filter((child) => child.isMet).length;
    return explanation(
      'atLeast',
      evaluation.isMet,
      { n: value.n, met, total: children.length },
      { children },
    );
  },
  describe: (value, words) => words.say('atLeast', { n: value.n, list: words.list(value.of) }),
  form: {
    kind: 'shape',
    shape: 'atLeast',
    toRows: (value) => ({ conditions: value.of, fields: { count: String(value.n) } }),
    fromRows: (conditions, fields) => ({
      atLeast: { n: numberOfField(fields.count), of: conditions },
    }),
    fieldOf: (part) => (part === 'n' ? 'count' : null),
  },
};
