import { describe, expect, it } from 'vitest';
import { activitiesOfRule, parseRule } from '../../../src/awards/rules/rule-schema.js';

const QUIZ = 'https://example.org/activities/quiz-1';
const ESSAY = 'https://example.org/activities/essay';

describe('parseRule', () => {
  it.each([
    { passed: QUIZ },
    { completed: QUIZ },
    { scoreAtLeast: { activity: QUIZ, scaled: 0.8 } },
    {
      allOf: [
        { passed: QUIZ },
        { anyOf: [{ completed: ESSAY }, { scoreAtLeast: { activity: ESSAY, scaled: 0.5 } }] },
      ],
    },
  ])('accepts %j', (rule) => {
    expect(parseRule(rule)).toEqual(rule);
  });

  describe('refuses, naming the bad part', () => {
    it.each([
      ['a non-object', 'quiz', 'rule must be an object'],
      [
        'an unknown node',
        { mastered: QUIZ },
        'rule must have exactly one of passed, completed, scoreAtLeast, allOf, anyOf',
      ],
      ['a relative activity', { passed: 'quiz-1' }, 'rule.passed must be an absolute IRI'],
      [
        'a score above 1',
        { scoreAtLeast: { activity: QUIZ, scaled: 1.5 } },
        'rule.scoreAtLeast.scaled must be at most 1',
      ],
      ['an empty allOf', { allOf: [] }, 'rule.allOf must list at least one rule'],
      [
        'a bad nested rule',
        { allOf: [{ passed: QUIZ }, { passed: 'nope' }] },
        'rule.allOf[1].passed must be an absolute IRI',
      ],
    ])('%s', (_name, rule, message) => {
      expect(() => parseRule(rule)).toThrow(
        expect.objectContaining({ code: 'AWARD_RULE_INVALID', status: 400 }),
      );
      expect(() => parseRule(rule)).toThrow(message);
    });
  });
});

describe('activitiesOfRule', () => {
  it('lists each activity a rule looks at once', () => {
    const rule = parseRule({
      allOf: [
        { passed: QUIZ },
        { anyOf: [{ completed: ESSAY }, { scoreAtLeast: { activity: QUIZ, scaled: 0.5 } }] },
      ],
    });
    expect(activitiesOfRule(rule).sort()).toEqual([ESSAY, QUIZ]);
  });
});
