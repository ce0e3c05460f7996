import { describe, expect, it } from 'vitest';
import { NOT_MET, type Evaluation } from '../../src/awards/rules/evaluation.js';
import { parseRule } from '../../src/awards/rules/rule-schema.js';
import { creditsEarned, weightedAverageResult } from '../../src/awards/stack-credit.js';

const CORE = '7d0c7a4e-3a7e-4b53-9a3c-0c5b8f8f2d11';
const CLIMATE = '0b8a4e3c-8a1f-4c2e-9a61-1d2c3b4a5f60';

/** A met evaluation resting on credentials of these ECTS. */
function stackedOf(...ects: number[]): Evaluation {
  return {
    isMet: true,
    evidence: ects.map((value, index) => ({
      kind: 'credential' as const,
      achievementId: `achievement-${index}`,
      awardId: `award-${index}`,
      ects: value,
    })),
    stackedEcts: ects.reduce((sum, value) => sum + value, 0),
    refusal: null,
  };
}

const stackRule = parseRule({ allOf: [{ earned: CORE }, { earned: CLIMATE }] });
const cappedRule = parseRule({
  stackingCap: { ects: 6, target: 'a programme of 6 ECTS', rule: { earned: CORE } },
});
const examRule = parseRule({ passed: 'https://mooc.example/exam' });

describe('creditsEarned: the ECTS a credential carries, computed once at award', () => {
  it('gives a stack credited with its components the ECTS of the credentials that met the rule', () => {
    expect(
      creditsEarned({
        form: 'micro-credential',
        rule: stackRule,
        achievementEcts: 10,
        stackCredit: 'components',
        evaluation: stackedOf(2, 2.5),
      }),
    ).toBe(4.5);
  });

  it('gives a stack with a fixed credit the achievement’s ECTS', () => {
    expect(
      creditsEarned({
        form: 'micro-credential',
        rule: stackRule,
        achievementEcts: 10,
        stackCredit: 'fixed',
        evaluation: stackedOf(2, 2.5),
      }),
    ).toBe(10);
  });

  it('never gives more than the stacking cap', () => {
    expect(
      creditsEarned({
        form: 'micro-credential',
        rule: cappedRule,
        achievementEcts: 10,
        stackCredit: 'fixed',
        evaluation: stackedOf(2),
      }),
    ).toBe(6);
  });

  it('gives a rule on activities the achievement’s ECTS, whatever the stack credit says', () => {
    expect(
      creditsEarned({
        form: 'micro-credential',
        rule: examRule,
        achievementEcts: 3,
        stackCredit: 'components',
        evaluation: { ...NOT_MET, isMet: true },
      }),
    ).toBe(3);
  });

  it('gives the badge form no credit', () => {
    expect(
      creditsEarned({
        form: 'badge',
        rule: stackRule,
        achievementEcts: 10,
        stackCredit: 'components',
        evaluation: stackedOf(2, 2.5),
      }),
    ).toBeNull();
  });
});

describe('weightedAverageResult: a stack’s result from its components’', () => {
  it('weights each result by its credential’s ECTS, and says so', () => {
    // (2 × 0.9 + 3 × 0.8) / 5 = 0.84
    expect(
      weightedAverageResult([
        { ects: 2, scoreScaled: 0.9 },
        { ects: 3, scoreScaled: 0.8 },
      ]),
    ).toEqual({ scoreScaled: 0.84, weighting: 'ects' });
  });

  it('leaves out credentials without a result', () => {
    expect(
      weightedAverageResult([
        { ects: 2, scoreScaled: 0.9 },
        { ects: 3, scoreScaled: null },
      ]),
    ).toEqual({ scoreScaled: 0.9, weighting: 'ects' });
  });

  it('counts each equally when one carries no ECTS (the badge form), and says so', () => {
    expect(
      weightedAverageResult([
        { ects: null, scoreScaled: 1 },
        { ects: 3, scoreScaled: 0.5 },
      ]),
    ).toEqual({ scoreScaled: 0.75, weighting: 'equal' });
  });

  it('weights by ECTS when only a credential without a result carries none', () => {
    expect(
      weightedAverageResult([
        { ects: 2, scoreScaled: 0.9 },
        { ects: 4, scoreScaled: 0.6 },
        { ects: null, scoreScaled: null },
      ]),
    ).toEqual({ scoreScaled: 0.7, weighting: 'ects' });
  });

  it('gives none when no credential has a result', () => {
    expect(weightedAverageResult([{ ects: 2, scoreScaled: null }])).toBeNull();
  });
});
