import { NOT_MET } from '../evaluation.js';
import { explanation, NO_REFERENCES, numberOfField, type RuleOperator } from '../rule-operator.js';
import { invalid, parseFields, WHOLE_RULE } from '../rule-parts.js';
import type { Rule } from '../rule-operators.js';

export interface StackingCap {
  /** The size of the target in ECTS: the stacked credentials must stay below it. */
  ects: number;
  target: string;
  rule: Rule;
}

declare module '../rule-operators.js' {
  interface RuleNodes {
    stackingCap: StackingCap;
  }
}

/**
 * `{"stackingCap": {"ects": 60, "target": "MSc year", "rule": <rule>}}`, only as the whole rule:
 * the ECTS of the credentials stacked by `rule` must stay below `ects`, the size of `target`, so
 * micro-credentials never stack into a full degree. Applies where only the credit-bearing form
 * counts.
 */
export const stackingCap: RuleOperator<'stackingCap', StackingCap> = {
  name: 'stackingCap',
  parse: (value, at, walk) => {
    if (at !== `${WHOLE_RULE}.stackingCap`)
      throw invalid(`${at} may only stand for the whole rule`);
    const fields = parseFields(
      value,
      ['ects', 'target', 'rule'],
      at,
      '{"ects": 60, "target": "<degree>", "rule": <rule>}',
    );
    const ects = fields.ects;
    if (typeof ects !== 'number' || !Number.isFinite(ects) || ects <= 0) {
      throw invalid(`${at}.ects must be a positive number: the size of the target in ECTS`);
    }
    if (typeof fields.target !== 'string' || fields.target.trim() === '') {
      throw invalid(`${at}.target must name what the credentials stack toward`);
    }
    const rule = walk.parse(fields.rule, `${at}.rule`);
    const stacked = walk.referencesOf(rule);
    if (stacked.achievements.length === 0 && !stacked.recognised) {
      throw invalid(`${at}.rule must stack credentials with "earned" or "recognised"`);
    }
    return { ects, target: fields.target.trim(), rule };
  },
  children: (value) => [value.rule],
  references: () => NO_REFERENCES,
  leaf: () => null,
  evaluate: (value, state, context, walk) => {
    const { ects, target, rule } = value;
    const result = walk.evaluate(rule, state, context);
    if (!result.isMet || !context.creditOnly || result.stackedEcts < ects) return result;
    return {
      ...NOT_MET,
      refusal:
        `The credentials stacked here add up to ${result.stackedEcts} ECTS, which reaches the ` +
        `${ects} ECTS of ${target}: micro-credentials may not stack into it.`,
    };
  },
  explain: (value, evaluation, state, context, walk) =>
    explanation(
      'stackingCap',
      evaluation.isMet,
      { ects: value.ects, target: value.target },
      {
        notes: evaluation.refusal === null ? [] : [{ key: 'capReached', values: {} }],
        children: [walk.explain(value.rule, state, context)],
      },
    ),
  describe: ({ ects, target, rule }, words) =>
    words.say('stackingCap', { rule: words.rule(rule), ects, target }),
  form: {
    kind: 'wrapper',
    unwrap: ({ ects, target, rule }) => ({
      rule,
      fields: { capEcts: String(ects), capTarget: target },
    }),
    wrap: (rule, { capEcts, capTarget }) =>
      capEcts === '' && capTarget === ''
        ? rule
        : { stackingCap: { ects: numberOfField(capEcts), target: capTarget, rule } },
    fieldOf: (part) =>
      part === 'ects' ? 'capEcts' : part === 'target' || part === undefined ? 'capTarget' : null,
  },
};
