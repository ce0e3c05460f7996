import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  awardsSeenBy,
  createAchievement,
  launch,
  passedStatement,
  postStatement,
  settle,
  startAwardsWorld,
  TEACHER,
  type Platform,
  type TestTool,
} from './awards-world.js';

const COURSE = { id: 'sustainability-core', title: 'Global Sustainability Challenges' };
const QUIZ = 'https://mooc.una-europa.example/core/quiz';
const EXAM = 'https://mooc.una-europa.example/core/final-exam';

describe('the deciding statement sent 20 times at once, through HTTP', () => {
  let tool: TestTool;
  let university: Platform;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({
      tool,
      platforms: [university],
      close,
    } = await startAwardsWorld('registered'));
  });
  afterAll(() => close?.());

  it('yields exactly one credential and one grade, for copies with one id and copies with their own ids', async () => {
    const teacher = await launch(university, TEACHER, COURSE, 'teacher');
    await createAchievement(tool, teacher, {
      name: 'Global Sustainability Challenges',
      ects: 5,
      rule: { allOf: [{ passed: QUIZ }, { passed: EXAM }] },
    });
    for (const learner of ['learner-1', 'learner-2']) {
      await launch(university, { id: learner, name: learner }, COURSE, 'learner');
      expect(
        await postStatement(tool, university, passedStatement(university, learner, QUIZ)),
      ).toBe(200);
    }
    await settle(tool);

    const sameId = passedStatement(
      university,
      'learner-1',
      EXAM,
      '5c4f1d0e-8f5b-4b7a-9c1e-2d3f4a5b6c7d',
    );
    const ownIds = Array.from({ length: 20 }, () => passedStatement(university, 'learner-2', EXAM));
    const statuses = await Promise.all([
      ...Array.from({ length: 20 }, () => postStatement(tool, university, sameId)),
      ...ownIds.map((statement) => postStatement(tool, university, statement)),
    ]);
    expect(statuses.every((status) => status === 200)).toBe(true);
    await settle(tool);

    const awards = await awardsSeenBy(tool, teacher);
    expect(awards.map((a) => a.learner).sort()).toEqual(['learner-1', 'learner-2']);
    expect(university.lms.scores.map((s) => s.body.userId).sort()).toEqual([
      'learner-1',
      'learner-2',
    ]);
  });
});
