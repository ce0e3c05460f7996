import { describe, expect, it } from 'vitest';
import {
  checkLearnerList,
  findCourseLearner,
  type CourseLearner,
} from '../../src/awards/course-learners.js';

const ADA: CourseLearner = {
  sub: '11',
  name: 'Ada',
  email: 'ada@example.org',
  username: 'ada',
  userId: 'u-11',
};
const BOB: CourseLearner = {
  sub: '12',
  name: 'Bob',
  email: 'b@example.org',
  username: null,
  userId: null,
};
const BOB_TWIN: CourseLearner = { ...BOB, sub: '13' };

describe('findCourseLearner', () => {
  it('finds by LMS user id exactly, by email and username whatever the case', () => {
    expect(findCourseLearner([ADA, BOB], 'userId', '11')).toBe(ADA);
    expect(findCourseLearner([ADA, BOB], 'email', ' ADA@example.org ')).toBe(ADA);
    expect(findCourseLearner([ADA, BOB], 'username', 'Ada')).toBe(ADA);
  });

  it('says none or ambiguous', () => {
    expect(findCourseLearner([ADA], 'username', 'bob')).toBe('none');
    expect(findCourseLearner([BOB, BOB_TWIN], 'email', 'b@example.org')).toBe('ambiguous');
  });
});

describe('checkLearnerList', () => {
  it('gives each line its verdict: valid, not in the course, ambiguous, already held, repeated', () => {
    const lines = [
      { line: 2, value: 'ada@example.org' },
      { line: 3, value: 'x@example.org' },
      { line: 4, value: 'b@example.org' },
      { line: 5, value: 'ADA@example.org' },
    ];
    expect(
      checkLearnerList(lines, 'email', [ADA, BOB, BOB_TWIN], new Set(), new Set()).map(
        (l) => l.status,
      ),
    ).toEqual(['valid', 'notInCourse', 'ambiguous', 'repeated']);
    expect(checkLearnerList(lines.slice(0, 1), 'email', [ADA], new Set(['11']), new Set())).toEqual(
      [{ line: 2, value: 'ada@example.org', status: 'alreadyHeld', learner: ADA }],
    );
    expect(checkLearnerList(lines.slice(0, 1), 'email', [ADA], new Set(), new Set(['11']))).toEqual(
      [{ line: 2, value: 'ada@example.org', status: 'stackComponentsMissing', learner: ADA }],
    );
  });
});
