import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OutcomeFact } from '../../../../src/awards/outcome-state.js';
import { evaluateRule, evidenceStatementIds } from '../../../../src/awards/rules/evaluate.js';
import { explainProgress } from '../../../../src/awards/rules/progress.js';
import {
  activitiesOfRule,
  parseRule,
  type Rule,
} from '../../../../src/awards/rules/rule-schema.js';
import { ESSAY, QUIZ, fact, stateOf } from '../outcome-states.js';

const LAB = 'https://example.org/activities/lab';
const EXAM = 'https://example.org/activities/exam';
const noGroups = { groups: new Map(), creditOnly: false };

function bestAverage(n: number, of: unknown[], scaled: number): Rule {
  return parseRule({ bestAverageAtLeast: { n, of, scaled } });
}

function scored(statementId: string, activityId: string, scoreScaled: number): OutcomeFact {
  return fact({ statementId, activityId, scoreScaled });
}

describe('bestAverageAtLeast: parse', () => {
  it.each([
    { bestAverageAtLeast: { n: 2, of: [QUIZ, ESSAY, LAB], scaled: 0.8 } },
    {
      bestAverageAtLeast: {
        n: 1,
        of: [QUIZ, { activity: ESSAY, sources: ['platform', 'tool'] }],
        scaled: 0,
      },
    },
    { allOf: [{ passed: EXAM }, { bestAverageAtLeast: { n: 1, of: [QUIZ], scaled: 1 } }] },
  ])('accepts %j as it is', (rule) => {
    expect(parseRule(rule)).toEqual(rule);
  });

  describe('refuses, naming the bad part', () => {
    it.each([
      [
        'more results than activities',
        { bestAverageAtLeast: { n: 3, of: [QUIZ, ESSAY], scaled: 0.8 } },
        'rule.bestAverageAtLeast.n is 3 but only 2 activities are listed: it could never be met',
      ],
      [
        'no result at all',
        { bestAverageAtLeast: { n: 0, of: [QUIZ], scaled: 0.8 } },
        'rule.bestAverageAtLeast.n must be a whole number of at least 1',
      ],
      [
        'a percentage where the scaled score belongs',
        { bestAverageAtLeast: { n: 1, of: [QUIZ], scaled: 80 } },
        'rule.bestAverageAtLeast.scaled must be at most 1',
      ],
      [
        'a threshold under another name',
        { bestAverageAtLeast: { n: 1, of: [QUIZ], percent: 80 } },
        'rule.bestAverageAtLeast has unknown field percent',
      ],
      [
        'an activity that is no IRI',
        { bestAverageAtLeast: { n: 1, of: [QUIZ, 'lab'], scaled: 0.8 } },
        'rule.bestAverageAtLeast.of[1] must be an absolute IRI',
      ],
      [
        'an activity listed twice',
        {
          bestAverageAtLeast: {
            n: 2,
            of: [QUIZ, { activity: QUIZ, sources: ['tool'] }],
            scaled: 0.8,
          },
        },
        `rule.bestAverageAtLeast.of[1] repeats ${QUIZ}: each activity counts once`,
      ],
      [
        'no activities',
        { bestAverageAtLeast: { n: 1, of: [], scaled: 0.8 } },
        'rule.bestAverageAtLeast.of must list at least 1 activity',
      ],
      [
        'a place in a group rule, which needs one activity per condition',
        {
          distinctGroupsAtLeast: {
            n: 1,
            tag: 'pillar',
            of: [{ bestAverageAtLeast: { n: 1, of: [QUIZ], scaled: 0.5 } }],
          },
        },
        'rule.distinctGroupsAtLeast.of[0] must be passed, completed, satisfied, scoreAtLeast, earned or recognised',
      ],
    ])('%s', (_name, rule, message) => {
      expect(() => parseRule(rule)).toThrow(
        expect.objectContaining({ code: 'AWARD_RULE_INVALID', status: 400 }),
      );
      expect(() => parseRule(rule)).toThrow(message);
    });
  });

  it('gives the rule index every listed activity', () => {
    expect(
      activitiesOfRule(bestAverage(1, [QUIZ, { activity: LAB, sources: ['tool'] }], 0.5)),
    ).toEqual([QUIZ, LAB]);
  });
});

describe('bestAverageAtLeast: evaluate', () => {
  const rule = bestAverage(3, [QUIZ, ESSAY, LAB, EXAM], 0.8);

  it('is not met with fewer than n scored results, however good they are', () => {
    const state = stateOf([scored('q', QUIZ, 1), scored('e', ESSAY, 1)]);
    expect(evaluateRule(rule, state).isMet).toBe(false);
  });

  it('is met when the best n average exactly the threshold', () => {
    const state = stateOf([scored('q', QUIZ, 0.7), scored('e', ESSAY, 0.8), scored('l', LAB, 0.9)]);
    expect(evaluateRule(rule, state).isMet).toBe(true);
  });

  it('is not met when the best n average just under the threshold', () => {
    const state = stateOf([
      scored('q', QUIZ, 0.7),
      scored('e', ESSAY, 0.8),
      scored('l', LAB, 0.89),
    ]);
    expect(evaluateRule(rule, state).isMet).toBe(false);
  });

  it('ignores worse results and rests on the best n, in rule order', () => {
    const state = stateOf([
      scored('q', QUIZ, 0.9),
      scored('e', ESSAY, 0.1),
      scored('l', LAB, 0.8),
      scored('x', EXAM, 0.7),
    ]);
    const result = evaluateRule(rule, state);
    expect(result.isMet).toBe(true);
    expect(evidenceStatementIds(result)).toEqual(['q', 'l', 'x']);
    expect(result.evidence[0]).toEqual({
      kind: 'statement',
      statementId: 'q',
      activity: QUIZ,
      condition: 'scoreAtLeast',
      source: 'platform',
      scaled: 0.9,
    });
  });

  it('takes the best score on each activity, not the latest', () => {
    const state = stateOf([
      scored('q-best', QUIZ, 0.9),
      scored('q-later', QUIZ, 0.2),
      scored('e', ESSAY, 0.8),
      scored('l', LAB, 0.7),
    ]);
    expect(evidenceStatementIds(evaluateRule(rule, state))).toEqual(['q-best', 'e', 'l']);
  });

  it('counts only results from the sources an activity accepts', () => {
    const limited = bestAverage(1, [{ activity: QUIZ, sources: ['platform'] }], 0.5);
    const fromContent = stateOf([fact({ statementId: 'c', source: 'content', scoreScaled: 1 })]);
    expect(evaluateRule(limited, fromContent).isMet).toBe(false);
  });

  it('never loses a met rule when results are added', () => {
    const activities = [QUIZ, ESSAY, LAB, EXAM];
    const result = fc.record({
      activityId: fc.constantFrom(...activities),
      scoreScaled: fc.double({ min: -1, max: 1, noNaN: true }),
    });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.array(result, { maxLength: 8 }),
        fc.array(result, { maxLength: 8 }),
        (n, scaled, before, added) => {
          const rule = bestAverage(n, activities, scaled);
          const facts = (results: typeof before, prefix: string) =>
            results.map((r, index) => scored(`${prefix}${index}`, r.activityId, r.scoreScaled));
          const wasMet = evaluateRule(rule, stateOf(facts(before, 'b'))).isMet;
          const isMet = evaluateRule(
            rule,
            stateOf([...facts(before, 'b'), ...facts(added, 'a')]),
          ).isMet;
          expect(!wasMet || isMet).toBe(true);
        },
      ),
    );
  });
});

describe('bestAverageAtLeast: what the learner is told', () => {
  const rule = bestAverage(2, [QUIZ, ESSAY, LAB], 0.8);

  it('counts the scored results still missing', () => {
    const progress = explainProgress(rule, stateOf([scored('q', QUIZ, 0.9)]), noGroups);
    expect(progress).toMatchObject({
      key: 'bestAverageAtLeast',
      values: { n: 2, total: 3, percent: 80 },
      isMet: false,
      notes: [{ key: 'resultsSoFar', values: { results: 1, n: 2 } }],
    });
    expect(
      progress.children.map((line) => ({
        activity: line.activity,
        isMet: line.isMet,
        notes: line.notes,
      })),
    ).toEqual([
      { activity: QUIZ, isMet: true, notes: [{ key: 'bestScore', values: { percent: 90 } }] },
      { activity: ESSAY, isMet: false, notes: [] },
      { activity: LAB, isMet: false, notes: [] },
    ]);
  });

  it('gives the average of the best results so far when it is too low', () => {
    const state = stateOf([scored('q', QUIZ, 0.9), scored('e', ESSAY, 0.5), scored('l', LAB, 0.6)]);
    expect(explainProgress(rule, state, noGroups).notes).toEqual([
      { key: 'bestAverageSoFar', values: { n: 2, percent: 75 } },
    ]);
  });

  it('adds no note once met', () => {
    const state = stateOf([scored('q', QUIZ, 0.9), scored('e', ESSAY, 0.7)]);
    const progress = explainProgress(rule, state, noGroups);
    expect(progress.isMet).toBe(true);
    expect(progress.notes).toEqual([]);
  });
});
