import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from '../support/http-client.js';
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
/** The brief's courses: a core course and electives under three pillars, with their ECTS. */
const COURSES = [
  { key: 'core', name: 'Global Sustainability Challenges', ects: 6, pillar: null },
  { key: 'climate', name: 'Climate and Ecosystems', ects: 4, pillar: 'environmental' },
  { key: 'water', name: 'Water and Land', ects: 4, pillar: 'environmental' },
  { key: 'biodiversity', name: 'Biodiversity', ects: 4, pillar: 'environmental' },
  { key: 'circular', name: 'Circular Economy', ects: 5, pillar: 'economic' },
  { key: 'justice', name: 'Social Justice', ects: 5, pillar: 'societal' },
] as const;

describe('stacked micro-credentials through HTTP: the brief’s pillar rule and "all five"', () => {
  let tool: TestTool;
  let university: Platform;
  let close: () => Promise<void>;
  let teacher: Browser;
  const ids = new Map<string, string>();

  beforeAll(async () => {
    ({
      tool,
      platforms: [university],
      close,
    } = await startAwardsWorld('registered'));
    teacher = await launch(university, TEACHER, COURSE, 'teacher');
    for (const course of COURSES) {
      const id = await createAchievement(tool, teacher, {
        name: course.name,
        ects: course.ects,
        rule: { passed: exam(course.key) },
      });
      ids.set(course.key, id);
      if (course.pillar) {
        const tagged = await teacherApi(tool, teacher, 'PUT', `/api/achievements/${id}/tags`, {
          tags: { pillar: course.pillar },
        });
        expect(tagged.status).toBe(200);
      }
    }
  });
  afterAll(() => close?.());

  async function pass(learnerId: string, ...courses: string[]) {
    for (const course of courses) {
      expect(
        await postStatement(tool, university, passedStatement(university, learnerId, exam(course))),
      ).toBe(200);
    }
    await settle(tool);
  }

  it('awards the pillar micro-credential only once electives cover two pillars, with the ECTS and names of the courses chosen', async () => {
    const electives = COURSES.filter((c) => c.pillar !== null);
    const stackId = await createAchievement(tool, teacher, {
      name: 'Micro Module in Sustainability',
      ects: 19,
      rule: {
        stackingCap: {
          ects: 60,
          target: 'a Master’s degree year (60 ECTS)',
          rule: {
            allOf: [
              { earned: ids.get('core') },
              {
                distinctGroupsAtLeast: {
                  n: 2,
                  tag: 'pillar',
                  count: 3,
                  of: electives.map((c) => ({ earned: ids.get(c.key) })),
                },
              },
            ],
          },
        },
      },
    });
    await launch(university, { id: 'learner-ada', name: 'Ada Lovelace' }, COURSE, 'learner');

    await pass('learner-ada', 'core', 'climate', 'water', 'biodiversity');
    const onePillar = await awardsSeenBy(tool, teacher);
    expect(onePillar.map((a) => a.achievementName).sort()).toEqual([
      'Biodiversity',
      'Climate and Ecosystems',
      'Global Sustainability Challenges',
      'Water and Land',
    ]);
    expect(onePillar.some((a) => a.achievementId === stackId)).toBe(false);

    await pass('learner-ada', 'circular');
    const stack = (await awardsSeenBy(tool, teacher)).find((a) => a.achievementId === stackId);
    expect(stack?.form).toBe('micro-credential');
    expect(stack?.evidence.creditsEarned).toBe(6 + 4 + 4 + 5);
    expect(stack?.evidence.stackedCredentials.map((c) => c.name)).toEqual([
      'Global Sustainability Challenges',
      'Climate and Ecosystems',
      'Water and Land',
      'Circular Economy',
    ]);
    const credential = (await (await fetch(`${tool.url}/credentials/${stack?.id}`)).json()) as {
      credentialSubject: { achievement: { achievementType: string } };
    };
    expect(credential.credentialSubject.achievement.achievementType).toBe('MicroCredential');
  });

  it('awards "all five courses of the module" only after the fifth', async () => {
    const five = ['core', 'climate', 'water', 'circular', 'justice'];
    const allFive = await createAchievement(tool, teacher, {
      name: 'Sustainability: all five courses',
      ects: 24,
      rule: { allOf: five.map((course) => ({ passed: exam(course) })) },
    });
    await launch(university, { id: 'learner-bo', name: 'Bo Lindqvist' }, COURSE, 'learner');
    const awardedAllFive = () =>
      awardsSeenBy(tool, teacher, { achievementId: allFive, learner: 'Bo Lindqvist' });

    await pass('learner-bo', ...five.slice(0, 4));
    expect(await awardedAllFive()).toHaveLength(0);

    await pass('learner-bo', five[4]!);
    const [award] = await awardedAllFive();
    expect(award?.evidence.statements.map((s) => s.activity)).toEqual(five.map(exam));
  });
});
