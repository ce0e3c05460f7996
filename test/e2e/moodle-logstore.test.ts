import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { platforms } from '../../src/db/schema.js';
import { createBrowser } from '../support/http-client.js';
import {
  moodleActor,
  moodleStatements,
  type MoodleActorSetting,
  type MoodleEvent,
  type MoodleUser,
} from '../support/moodle-logstore.js';
import { LTI_ROLES } from '../support/test-lms.js';
import { startTestTool } from '../support/test-tool.js';
import {
  addPlatform,
  awardsSeenBy,
  createAchievement,
  launch,
  postStatement,
  settle,
  TEACHER,
  type Platform,
  type TestTool,
} from './awards-world.js';

const ADMIN_TOKEN = 'admin-token-for-moodle-tests-0123456789';

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
  let courseNumber = 0;

  beforeAll(async () => {
    tool = await startTestTool({ env: { MICROCRED_ADMIN_TOKEN: ADMIN_TOKEN } });
    moodle = await addPlatform(tool, 'registered');
  });
  afterAll(async () => {
    await Promise.all([tool?.close(), moodle?.lms.close()]);
  });

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
    setting: MoodleActorSetting = 'user-id',
  ) {
    const actor = moodleActor(moodle.lms.issuer, user, setting);
    const statements = moodleStatements(event, { wwwroot: moodle.lms.issuer, actor, ...values });
    expect(await postStatement(tool, moodle, statements)).toBe(200);
  }

  async function attempt(
    user: MoodleUser,
    cmid: number,
    raw: number,
    attemptId = 1,
    setting: MoodleActorSetting = 'user-id',
  ) {
    await send('attempt-started', user, { cmid, attempt: attemptId }, setting);
    await send('attempt-submitted', user, { cmid, attempt: attemptId, raw }, setting);
    await settle(tool);
  }

  /** The learner's launch, as Moodle sends it (with the username in the `ext` claim). */
  async function launchAs(user: MoodleUser, course: { id: string; title: string }) {
    const browser = createBrowser();
    const result = await moodle.lms.launch({
      browser,
      user: { id: user.id, name: user.fullname, email: user.email },
      roles: [LTI_ROLES.learner],
      context: course,
      claims: { 'https://purl.imsglobal.org/spec/lti/claim/ext': { user_username: user.username } },
    });
    expect(result.response.status).toBe(200);
    await settle(tool);
    return browser;
  }

  const admin = (method: string, path: string, body?: unknown) =>
    fetch(`${tool.url}/api/admin${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  async function platformAsAdminSees() {
    const { platforms: listed } = (await (await admin('GET', '/platforms')).json()) as {
      platforms: {
        id: string;
        issuer: string;
        pendingStatements: number;
        xapiAccountName: string;
      }[];
    };
    return listed.find((platform) => platform.issuer === moodle.lms.issuer)!;
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

  it('awards a learner who passed before their first launch right after that launch', async () => {
    const { course, teacher, cmid } = await courseWithRule((quiz) => ({ passed: quiz }));
    const learner = student(4);
    const before = (await platformAsAdminSees()).pendingStatements;
    await attempt(learner, cmid, 9);
    expect(await awardsSeenBy(tool, teacher)).toEqual([]);
    // Kept, and counted for the administrator, while nobody answers to the actor.
    expect((await platformAsAdminSees()).pendingStatements).toBe(before + 4);

    await launchAs(learner, course);
    expect((await awardsSeenBy(tool, teacher)).map((award) => award.learner)).toEqual([
      learner.fullname,
    ]);
    expect((await platformAsAdminSees()).pendingStatements).toBe(before);
  });

  it('awards a learner who passed before launching as soon as the teacher’s roster lists them', async () => {
    const { course, teacher, cmid } = await courseWithRule((quiz) => ({ passed: quiz }));
    const learner = student(5);
    moodle.lms.addMembers(course.id, [
      {
        user: {
          id: learner.id,
          name: learner.fullname,
          email: learner.email,
          username: learner.username,
        },
        roles: [LTI_ROLES.learner],
      },
    ]);
    await attempt(learner, cmid, 10);
    expect(await awardsSeenBy(tool, teacher)).toEqual([]);

    const { response } = await teacher.request(`${tool.url}/api/roster?refresh=1`);
    expect(response.status).toBe(200);
    await settle(tool);
    expect((await awardsSeenBy(tool, teacher)).map((award) => award.learner)).toEqual([
      learner.fullname,
    ]);
  });

  it('shows the teacher the pre-launch results of a learner the roster lists, on the progress page', async () => {
    const { course, teacher, cmid } = await courseWithRule((quiz) => ({ passed: quiz }));
    const learner = { ...student(12), fullname: 'Rosalind Franklin' };
    moodle.lms.addMembers(course.id, [
      {
        user: { id: learner.id, name: learner.fullname, email: learner.email },
        roles: [LTI_ROLES.learner],
      },
    ]);
    await attempt(learner, cmid, 9);
    // The progress page fetches the roster, which makes the learner known.
    const { response } = await teacher.request(`${tool.url}/course/progress.csv`);
    expect(response.status).toBe(200);
    const row = (await response.text()).split('\n').find((line) => line.includes(learner.fullname));
    // The quiz, the rule's one condition, counts already: 1 of 1.
    expect(row).toContain('1 of 1');
    await settle(tool);
    expect((await awardsSeenBy(tool, teacher)).map((award) => award.learner)).toEqual([
      learner.fullname,
    ]);
  });

  it('resolves "send mbox" actors by the learner’s email', async () => {
    const { course, teacher, cmid } = await courseWithRule((quiz) => ({ passed: quiz }));
    const learner = student(6);
    await launchAs(learner, course);
    await attempt(learner, cmid, 9, 1, 'send_mbox');
    expect((await awardsSeenBy(tool, teacher)).map((award) => award.learner)).toEqual([
      learner.fullname,
    ]);
  });

  describe('with the plugin’s "send username" setting', () => {
    beforeAll(async () => {
      const [platform] = await tool
        .current()
        .database.db.select({ id: platforms.id })
        .from(platforms);
      const response = await admin('PATCH', `/platforms/${platform!.id}`, {
        xapiAccountName: 'username',
      });
      expect(response.status).toBe(200);
      expect((await platformAsAdminSees()).xapiAccountName).toBe('username');
    });
    afterAll(async () => {
      const [platform] = await tool
        .current()
        .database.db.select({ id: platforms.id })
        .from(platforms);
      await admin('PATCH', `/platforms/${platform!.id}`, { xapiAccountName: 'lti-sub' });
    });

    it('resolves username actors of a launched learner at once', async () => {
      const { course, teacher, cmid } = await courseWithRule((quiz) => ({ passed: quiz }));
      const learner = student(7);
      await launchAs(learner, course);
      await attempt(learner, cmid, 9, 1, 'send_username');
      expect((await awardsSeenBy(tool, teacher)).map((award) => award.learner)).toEqual([
        learner.fullname,
      ]);
    });

    it('resolves username actors sent before the launch at the launch', async () => {
      const { course, teacher, cmid } = await courseWithRule((quiz) => ({ passed: quiz }));
      const learner = student(8);
      await attempt(learner, cmid, 9, 1, 'send_username');
      expect(await awardsSeenBy(tool, teacher)).toEqual([]);
      await launchAs(learner, course);
      expect((await awardsSeenBy(tool, teacher)).map((award) => award.learner)).toEqual([
        learner.fullname,
      ]);
    });

    it('resolves username actors sent before the launch when the roster lists the username', async () => {
      const { course, teacher, cmid } = await courseWithRule((quiz) => ({ passed: quiz }));
      const learner = student(11);
      moodle.lms.addMembers(course.id, [
        {
          user: {
            id: learner.id,
            name: learner.fullname,
            email: learner.email,
            username: learner.username,
          },
          roles: [LTI_ROLES.learner],
        },
      ]);
      await attempt(learner, cmid, 9, 1, 'send_username');
      expect(await awardsSeenBy(tool, teacher)).toEqual([]);
      expect((await teacher.request(`${tool.url}/api/roster?refresh=1`)).response.status).toBe(200);
      await settle(tool);
      expect((await awardsSeenBy(tool, teacher)).map((award) => award.learner)).toEqual([
        learner.fullname,
      ]);
    });

    it('does not take an account name for a user id any more: such statements wait, counted', async () => {
      const { course, teacher, cmid } = await courseWithRule((quiz) => ({ passed: quiz }));
      const learner = student(9);
      await launchAs(learner, course);
      const before = (await platformAsAdminSees()).pendingStatements;
      await attempt(learner, cmid, 9, 1, 'user-id');
      expect(await awardsSeenBy(tool, teacher)).toEqual([]);
      expect((await platformAsAdminSees()).pendingStatements).toBe(before + 4);
    });
  });

  describe('refusals of the emitter settings', () => {
    const platformId = async () =>
      (await tool.current().database.db.select({ id: platforms.id }).from(platforms))[0]!.id;

    it('answers 401 without the admin token and changes nothing', async () => {
      const response = await fetch(`${tool.url}/api/admin/platforms/${await platformId()}`, {
        method: 'PATCH',
        headers: { authorization: 'Bearer not-the-token', 'content-type': 'application/json' },
        body: JSON.stringify({ xapiAccountName: 'username' }),
      });
      expect(response.status).toBe(401);
      expect((await platformAsAdminSees()).xapiAccountName).toBe('lti-sub');
    });

    it.each([
      [{ xapiAccountName: 'email' }, 'xapiAccountName'],
      [{ xapiAccountHomePage: 'javascript:alert(1)' }, 'xapiAccountHomePage'],
      [{}, 'names no setting'],
      [{ trustLevel: 'trusted' }, 'trustLevel'],
    ])('answers 400 BAD_REQUEST naming the problem for %j', async (body, named) => {
      const response = await admin('PATCH', `/platforms/${await platformId()}`, body);
      expect(response.status).toBe(400);
      const { error } = (await response.json()) as { error: { code: string; message: string } };
      expect(error.code).toBe('BAD_REQUEST');
      expect(error.message).toContain(named);
      expect((await platformAsAdminSees()).xapiAccountName).toBe('lti-sub');
    });
  });
});
