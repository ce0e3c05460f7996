import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  moodleActor,
  moodleStatements,
  type MoodleEvent,
  type MoodleUser,
} from '../support/moodle-logstore.js';
import {
  awardsSeenBy,
  createAchievement,
  launch,
  postStatement,
  settle,
  startAwardsWorld,
  TEACHER,
  type Platform,
  type TestTool,
} from './awards-world.js';

/** Moodle users: `id` is the LTI `sub` of their launches. */
function student(n: number): MoodleUser {
  return {
    id: String(100 + n),
    username: `student${n}`,
    email: `student${n}@example.org`,
    fullname: `Student ${n}`,
  };
}

describe('Moodle logstore_xapi statements count for the LMS activities they report on', () => {
  let tool: TestTool;
  let moodle: Platform;
  let close: () => Promise<void>;
  let courseNumber = 0;

  beforeAll(async () => {
    ({
      tool,
      platforms: [moodle],
      close,
    } = await startAwardsWorld('registered'));
  });
  afterAll(() => close?.());

  /** A new course whose teacher sets `rule` on quiz `cmid`; returns the teacher's browser. */
  async function courseWithRule(rule: (quiz: string) => unknown) {
    courseNumber += 1;
    const course = { id: `moodle-course-${courseNumber}`, title: `Course ${courseNumber}` };
    const teacher = await launch(moodle, TEACHER, course, 'teacher');
    const cmid = 10 + courseNumber;
    const quiz = `${moodle.lms.issuer}/mod/quiz/view.php?id=${cmid}`;
    await createAchievement(tool, teacher, { name: `Quiz ${cmid}`, ects: 1, rule: rule(quiz) });
    return { course, teacher, cmid, quiz };
  }

  async function send(
    event: MoodleEvent,
    user: MoodleUser,
    values: { cmid: number; raw?: number; attempt?: number; success?: boolean },
  ) {
    const actor = moodleActor(moodle.lms.issuer, user, 'user-id');
    const statements = moodleStatements(event, { wwwroot: moodle.lms.issuer, actor, ...values });
    expect(await postStatement(tool, moodle, statements)).toBe(200);
  }

  async function attempt(user: MoodleUser, cmid: number, raw: number, attemptId = 1) {
    await send('attempt-started', user, { cmid, attempt: attemptId });
    await send('attempt-submitted', user, { cmid, attempt: attemptId, raw });
    await settle(tool);
  }

  it('awards passed(quiz) on a passing attempt of a quiz without completion tracking', async () => {
    const { course, teacher, cmid } = await courseWithRule((quiz) => ({ passed: quiz }));
    const learner = student(1);
    await launch(moodle, { id: learner.id, name: learner.fullname }, course, 'learner');

    await attempt(learner, cmid, 6, 1);
    expect(await awardsSeenBy(tool, teacher)).toEqual([]);

    await attempt(learner, cmid, 9, 2);
    const awards = await awardsSeenBy(tool, teacher);
    expect(awards.map((award) => award.learner)).toEqual([learner.fullname]);
    expect(awards[0]?.evidence.statements).toEqual([
      expect.objectContaining({ activity: `${moodle.lms.issuer}/mod/quiz/view.php?id=${cmid}` }),
    ]);
  });

  it('meets scoreAtLeast(quiz, 0.8) with the best attempt’s share of the maximum grade', async () => {
    const { course, teacher, cmid } = await courseWithRule((quiz) => ({
      scoreAtLeast: { activity: quiz, scaled: 0.8 },
    }));
    const learner = student(2);
    await launch(moodle, { id: learner.id, name: learner.fullname }, course, 'learner');

    // 7.5/10 passes Moodle's grade to pass of 7 but not the rule.
    await attempt(learner, cmid, 7.5, 1);
    expect(await awardsSeenBy(tool, teacher)).toEqual([]);

    // 8.5/10: Moodle's scaled says 0.7, the share of the maximum is 0.85.
    await attempt(learner, cmid, 8.5, 2);
    const [award] = await awardsSeenBy(tool, teacher);
    expect(award?.evidence.statements[0]?.scaled).toBeCloseTo(0.85);
  });

  it('awards a quiz with completion tracking once, from whichever statement shows the pass first', async () => {
    const { course, teacher, cmid } = await courseWithRule((quiz) => ({ passed: quiz }));
    const learner = student(3);
    await launch(moodle, { id: learner.id, name: learner.fullname }, course, 'learner');
    await attempt(learner, cmid, 9);
    await send('course-module-completion-updated', learner, { cmid, success: true });
    await settle(tool);
    expect((await awardsSeenBy(tool, teacher)).map((award) => award.learner)).toEqual([
      learner.fullname,
    ]);
  });
});
