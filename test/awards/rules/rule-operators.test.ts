import { describe, expect, it } from 'vitest';
import { evaluateRule } from '../../../src/awards/rules/evaluate.js';
import { explainProgress } from '../../../src/awards/rules/progress.js';
import { RULE_OPERATORS } from '../../../src/awards/rules/rule-operators.js';
import { activitiesOfRule, parseRule, type Rule } from '../../../src/awards/rules/rule-schema.js';
import { QUIZ, stateOf } from './outcome-states.js';

const context = { groups: new Map(), creditOnly: false };

describe('the table of rule operators', () => {
  it('names each operator under its own JSON key', () => {
    for (const [key, operator] of Object.entries(RULE_OPERATORS)) expect(operator.name).toBe(key);
  });

  it('lists every operator in the refusal of an unknown node', () => {
    expect(() => parseRule({ mastered: QUIZ })).toThrow(
      `rule must have exactly one of ${Object.keys(RULE_OPERATORS).join(', ')}`,
    );
  });

  describe('refuses a node no operator handles, instead of counting it as not met', () => {
    const unknown = { allOf: [{ passed: QUIZ }, { mastered: QUIZ }] } as unknown as Rule;
    const refusal = expect.objectContaining({ code: 'AWARD_RULE_OPERATOR_UNKNOWN', status: 500 });

    it('in evaluation', () => {
      expect(() => evaluateRule(unknown, stateOf([]), context)).toThrow(refusal);
    });

    it('in the learner progress', () => {
      expect(() => explainProgress(unknown, stateOf([]), context)).toThrow(refusal);
    });

    it('in the rule index', () => {
      expect(() => activitiesOfRule(unknown)).toThrow(refusal);
    });
  });
});
