import { describe, expect, it } from 'vitest';
import { isUnderActivity } from '../../src/xapi/launch-scope.js';

const QUIZ = 'https://content.example.org/quiz1';

describe('isUnderActivity: the launch activity and the activities under its IRI', () => {
  it.each([QUIZ, `${QUIZ}/question-1`, `${QUIZ}#q1`, `${QUIZ}?part=2`, `${QUIZ}/part/2/q.3`])(
    'covers %s',
    (activityId) => {
      expect(isUnderActivity(QUIZ, activityId)).toBe(true);
    },
  );

  it.each([
    `${QUIZ}0`,
    `${QUIZ}-extra`,
    'https://content.example.org/quiz',
    'https://content.example.org/QUIZ1',
    `${QUIZ}/../quiz2`,
    `${QUIZ}/./x`,
    `${QUIZ}/.%2E/quiz2`,
    `${QUIZ}/..\\quiz2`,
  ])('does not cover %s', (activityId) => {
    expect(isUnderActivity(QUIZ, activityId)).toBe(false);
  });

  it('covers what follows a launch activity that ends in a delimiter, and nothing before it', () => {
    const course = 'https://content.example.org/course/';
    expect(isUnderActivity(course, `${course}unit-1`)).toBe(true);
    expect(isUnderActivity(course, 'https://content.example.org/course')).toBe(false);
    expect(isUnderActivity(course, `${course}../other`)).toBe(false);
  });
});
