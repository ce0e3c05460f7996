import { describe, expect, it } from 'vitest';
import {
  achievementsOfRule,
  activitiesOfRule,
  parseRule,
} from '../../../src/awards/rules/rule-schema.js';

const QUIZ = 'https://example.org/activities/quiz-1';
const ESSAY = 'https://example.org/activities/essay';
const CORE = '4b1d9a6e-2f0c-4f7e-9a1d-0c3e5b7a9d11';
const ELECTIVE = '4b1d9a6e-2f0c-4f7e-9a1d-0c3e5b7a9d12';

describe('parseRule', () => {
  it.each([
    { passed: QUIZ },
    { completed: { activity: QUIZ, sources: ['platform', 'tool'] } },
    { scoreAtLeast: { activity: QUIZ, scaled: 0.8 } },
    { scoreAtLeast: { activity: QUIZ, scaled: 0.8, sources: ['tool'] } },
    { earned: CORE },
    { earned: { achievement: CORE, sources: ['platform'] } },
    {
      allOf: [
        { passed: QUIZ },
        { anyOf: [{ completed: ESSAY }, { scoreAtLeast: { activity: ESSAY, scaled: 0.5 } }] },
      ],
    },
    { atLeast: { n: 1, of: [{ passed: QUIZ }, { passed: ESSAY }] } },
    { distinctGroupsAtLeast: { n: 2, tag: 'pillar', of: [{ passed: QUIZ }, { passed: ESSAY }] } },
    {
      stackingCap: {
        ects: 60,
        target: 'MSc Sustainability',
        rule: {
          allOf: [
            { earned: CORE },
            {
              distinctGroupsAtLeast: { n: 1, tag: 'pillar', count: 1, of: [{ earned: ELECTIVE }] },
            },
          ],
        },
      },
    },
  ])('accepts %j', (rule) => {
    expect(parseRule(rule)).toEqual(rule);
  });

  describe('refuses, naming the bad part', () => {
    it.each([
      ['a non-object', 'quiz', 'rule must be an object'],
      ['an unknown node', { mastered: QUIZ }, 'rule must have exactly one of passed, completed'],
      ['a relative activity', { passed: 'quiz-1' }, 'rule.passed must be an absolute IRI'],
      [
        'a score above 1',
        { scoreAtLeast: { activity: QUIZ, scaled: 1.5 } },
        'rule.scoreAtLeast.scaled must be at most 1',
      ],
      ['an empty allOf', { allOf: [] }, 'rule.allOf must list at least 1 rule'],
      [
        'a bad nested rule',
        { allOf: [{ passed: QUIZ }, { passed: 'nope' }] },
        'rule.allOf[1].passed must be an absolute IRI',
      ],
      [
        'an unknown source',
        { passed: { activity: QUIZ, sources: ['browser'] } },
        'rule.passed.sources[0] must be one of platform, tool, content',
      ],
      [
        'an achievement that is no id',
        { earned: 'core' },
        'rule.earned must be the id of an achievement',
      ],
      [
        'atLeast more than listed',
        { atLeast: { n: 3, of: [{ passed: QUIZ }, { passed: ESSAY }] } },
        'rule.atLeast.n is 3 but only 2 rules are listed',
      ],
      [
        'a group rule over a combinator',
        { distinctGroupsAtLeast: { n: 1, tag: 'pillar', of: [{ allOf: [{ passed: QUIZ }] }] } },
        'rule.distinctGroupsAtLeast.of[0] must be passed, completed, satisfied, scoreAtLeast, earned or recognised',
      ],
      [
        'a count below the groups needed',
        {
          distinctGroupsAtLeast: {
            n: 2,
            tag: 'pillar',
            count: 1,
            of: [{ passed: QUIZ }, { passed: ESSAY }],
          },
        },
        'rule.distinctGroupsAtLeast.count must be at least n (2)',
      ],
      [
        'a cap inside a rule',
        { allOf: [{ stackingCap: { ects: 60, target: 'MSc', rule: { earned: CORE } } }] },
        'rule.allOf[0].stackingCap may only stand for the whole rule',
      ],
      [
        'a cap without a size',
        { stackingCap: { ects: 0, target: 'MSc', rule: { earned: CORE } } },
        'rule.stackingCap.ects must be a positive number',
      ],
      [
        'a cap that stacks nothing',
        { stackingCap: { ects: 60, target: 'MSc', rule: { passed: QUIZ } } },
        'rule.stackingCap.rule must stack credentials with "earned" or "recognised"',
      ],
    ])('%s', (_name, rule, message) => {
      expect(() => parseRule(rule)).toThrow(
        expect.objectContaining({ code: 'AWARD_RULE_INVALID', status: 400 }),
      );
      expect(() => parseRule(rule)).toThrow(message);
    });
  });
});

describe('the rule index helpers', () => {
  const rule = parseRule({
    allOf: [
      { passed: QUIZ },
      { earned: CORE },
      { anyOf: [{ completed: ESSAY }, { scoreAtLeast: { activity: QUIZ, scaled: 0.5 } }] },
    ],
  });

  it('lists each activity a rule looks at once', () => {
    expect(activitiesOfRule(rule).sort()).toEqual([ESSAY, QUIZ]);
  });

  it('lists each achievement a rule stacks', () => {
    expect(achievementsOfRule(rule)).toEqual([CORE]);
  });
});
