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
  teacherApi,
  type Platform,
  type TestTool,
} from './awards-world.js';

const COURSE = { id: 'una-sustainability', title: 'Micro Module in Sustainability' };
const exam = (course: string) => `https://mooc.una-europa.example/${course}/final-exam`;

describe('the stacking cap through HTTP', () => {
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

  it('refuses a stack that would reach the size of its target, and tells the teacher why', async () => {
    const teacher = await launch(university, TEACHER, COURSE, 'teacher');
    const parts = [];
    for (const course of ['statistics', 'programming', 'ethics']) {
      parts.push(
        await createAchievement(tool, teacher, {
          name: `Data science: ${course}`,
          ects: 20,
          rule: { passed: exam(course) },
        }),
      );
    }
    const stackRule = {
      stackingCap: {
        ects: 60,
        target: 'the MSc Data Science first year',
        rule: { allOf: parts.map((id) => ({ earned: id })) },
      },
    };
    const preview = async () =>
      (await teacherApi(tool, teacher, 'POST', '/api/rules/preview', { rule: stackRule, ects: 60 }))
        .json.learners as { sub: string; wouldBeAwarded: boolean; refusal: string | null }[];
    const stack = await createAchievement(tool, teacher, {
      name: 'Data science stack',
      ects: 60,
      rule: stackRule,
    });

    await launch(university, { id: 'learner-cy', name: 'Cy Okafor' }, COURSE, 'learner');
    for (const course of ['statistics', 'programming', 'ethics']) {
      expect(
        await postStatement(
          tool,
          university,
          passedStatement(university, 'learner-cy', exam(course)),
        ),
      ).toBe(200);
    }
    await settle(tool);

    const awards = await awardsSeenBy(tool, teacher);
    expect(awards.map((a) => a.achievementId).sort()).toEqual([...parts].sort());
    expect(awards.some((a) => a.achievementId === stack)).toBe(false);

    const attention = await teacherApi(tool, teacher, 'GET', '/api/awards/attention');
    expect(attention.json.items).toEqual([
      expect.objectContaining({
        kind: 'refused',
        achievementId: stack,
        learner: 'Cy Okafor',
        message: expect.stringContaining('60 ECTS of the MSc Data Science first year'),
      }),
    ]);
    expect(await preview()).toEqual([
      expect.objectContaining({
        sub: 'learner-cy',
        wouldBeAwarded: false,
        refusal: expect.stringContaining('micro-credentials may not stack into it'),
      }),
    ]);
  });
});
