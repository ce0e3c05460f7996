import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { achievementLineItems, awards } from '../../src/db/schema.js';
import { publishAchievementAs } from '../support/course-world.js';
import { createBrowser, type Browser } from '../support/http-client.js';
import { platformXapiAuthorization, postStatements } from '../support/platform-xapi.js';
import { LTI_CLAIMS, LTI_ROLES, type TestLms } from '../support/test-lms.js';
import type { TestTool } from '../support/test-tool.js';
import { startToolWithLms } from '../support/tool-with-lms.js';
import {
  createAchievement,
  csrfTokenOf,
  getPage,
  launchInto,
  postForm,
} from '../web/teacher-course-world.js';

const COURSE = { id: 'course-columns', title: 'Data literacy' };
const TEACHER = { id: 'teacher-columns' };
const LEARNER = 'learner-columns';
const quiz = (name: string) => `https://courses.example.org/data/${name}`;

/**
 * Each achievement's grade goes to that achievement's gradebook column (LTI AGS 2.0), whatever
 * activity the learner launched from, with the value the achievement's grade mode gives.
 */
describe('grades in each achievement’s own gradebook column', () => {
  let tool: TestTool;
  let lms: TestLms;
  let close: () => Promise<void>;
  let teacher: Browser;
  let authorization: string;
  const ids: Record<string, string> = {};

  const db = () => tool.current().database.db;
  const scoresIn = (lineItemUrl: string) =>
    lms.scores.filter((score) => score.lineItemUrl === lineItemUrl).map((score) => score.body);
  const columnOf = (achievementId: string) =>
    lms.lineItems(COURSE.id).filter((item) => item.resourceId === achievementId);
  const report = async (activity: string, scaled: number) => {
    const response = await postStatements(tool, authorization, {
      actor: { account: { homePage: lms.issuer, name: LEARNER } },
      verb: { id: 'http://adlnet.gov/expapi/verbs/passed' },
      object: { id: activity },
      result: { success: true, score: { scaled } },
    });
    expect(response.status).toBe(200);
    await tool.current().outbox.drain();
  };
  const awardOf = async (achievementId: string) => {
    const [award] = await db().select().from(awards).where(eq(awards.achievementId, achievementId));
    if (!award) throw new Error(`No award of ${achievementId}`);
    return award;
  };

  beforeAll(async () => {
    ({ tool, lms, close } = await startToolWithLms());
    authorization = await platformXapiAuthorization(tool, lms);

    // A is added to the course by deep linking: its activity has its own column.
    teacher = createBrowser();
    const picker = await lms.launch({
      browser: teacher,
      user: TEACHER,
      roles: [LTI_ROLES.instructor],
      context: COURSE,
      messageType: 'LtiDeepLinkingRequest',
      claims: lms.deepLinkingClaims(COURSE.id),
    });
    const answer = await teacher.request(picker.finalUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        achievement: 'new',
        name: 'Charts',
        description: 'Reads and draws charts.',
        criteria: 'Score at least 50% in the charts quiz.',
        activity: quiz('charts'),
        minimumScore: '50',
      }).toString(),
    });
    await teacher.submitForm(await answer.response.text(), answer.finalUrl);
    ids.a = lms.deepLinks[0]?.custom.achievement_id ?? '';
    // Deep linking made it a draft; the teacher publishes it.
    await publishAchievementAs(teacher, tool.url, ids.a);

    const scored = (name: string) => ({ scoreAtLeast: { activity: quiz(name), scaled: 0.5 } });
    ids.b = await createAchievement(tool, teacher, { name: 'Tables', rule: scored('tables') });
    ids.half = await createAchievement(tool, teacher, { name: 'Maps', rule: scored('maps') });
    ids.pass = await createAchievement(tool, teacher, { name: 'Surveys', rule: scored('surveys') });
    ids.stack = await createAchievement(tool, teacher, {
      name: 'Data literacy',
      rule: { allOf: [{ earned: ids.a }, { earned: ids.b }] },
    });
    const setPassMode = await teacher.request(`${tool.url}/api/achievements/${ids.pass}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'Surveys',
        description: 'Surveys, described.',
        criteria: 'Do the activities.',
        rule: scored('surveys'),
        gradeMode: 'pass',
      }),
    });
    expect(setPassMode.response.status).toBe(200);
    expect(await setPassMode.response.json()).toMatchObject({ gradeMode: 'pass' });
    // The teacher made a column of 50 points for Maps in the LMS.
    lms.addLineItem(COURSE.id, { label: 'Maps', scoreMaximum: 50, resourceId: ids.half });

    // The learner only ever launches activity X.
    await lms.launch({
      browser: createBrowser(),
      user: { id: LEARNER },
      context: COURSE,
      resourceLink: { id: 'activity-x', title: 'Activity X' },
    });
  }, 180_000);
  afterAll(() => close?.());

  it('sends the deep-linked achievement’s grade to its activity’s column, scaled: 0.9 is 90 of 100', async () => {
    await report(quiz('charts'), 0.9);
    const [column] = lms
      .lineItems(COURSE.id)
      .filter((item) => item.resourceLinkId === 'deep-link-1');
    expect(column).toMatchObject({ resourceId: ids.a, scoreMaximum: 100 });
    expect(scoresIn(column!.id)).toEqual([
      expect.objectContaining({
        userId: LEARNER,
        scoreGiven: 90,
        scoreMaximum: 100,
        activityProgress: 'Completed',
        gradingProgress: 'FullyGraded',
      }),
    ]);
  });

  it('creates a column for an achievement without one and sends its grade there', async () => {
    await report(quiz('tables'), 0.9);
    const columns = columnOf(ids.b!);
    expect(columns).toEqual([expect.objectContaining({ label: 'Tables', scoreMaximum: 100 })]);
    expect(scoresIn(columns[0]!.id)).toEqual([
      expect.objectContaining({ userId: LEARNER, scoreGiven: 90, scoreMaximum: 100 }),
    ]);
  });

  it('finds the column the teacher made and scales to its maximum: 0.9 is 45 of 50', async () => {
    await report(quiz('maps'), 0.9);
    const columns = columnOf(ids.half!);
    expect(columns).toHaveLength(1);
    expect(scoresIn(columns[0]!.id)).toEqual([
      expect.objectContaining({ userId: LEARNER, scoreGiven: 45, scoreMaximum: 50 }),
    ]);
  });

  it('marks a stack completed without inventing a score', async () => {
    await tool.current().outbox.drain();
    const columns = columnOf(ids.stack!);
    expect(columns).toHaveLength(1);
    const [score] = scoresIn(columns[0]!.id);
    expect(score).toMatchObject({
      userId: LEARNER,
      activityProgress: 'Completed',
      gradingProgress: 'FullyGraded',
    });
    expect(score).not.toHaveProperty('scoreGiven');
  });

  it('sends the maximum for any pass when the achievement grades a pass as full marks', async () => {
    await report(quiz('surveys'), 0.6);
    const columns = columnOf(ids.pass!);
    expect(scoresIn(columns[0]!.id)).toEqual([
      expect.objectContaining({ userId: LEARNER, scoreGiven: 100, scoreMaximum: 100 }),
    ]);
  });

  it('sends nothing to the column of the activity the learner launched from', () => {
    const [launched] = lms
      .lineItems(COURSE.id)
      .filter((item) => item.resourceLinkId === 'activity-x');
    expect(launched).toBeDefined();
    expect(scoresIn(launched!.id)).toEqual([]);
  });

  it('remembers the deep-linked activity’s column when someone launches it', async () => {
    const link = lms.deepLinks[0]!;
    await lms.launch({
      browser: createBrowser(),
      user: TEACHER,
      roles: [LTI_ROLES.instructor],
      context: COURSE,
      resourceLink: { id: link.resourceLinkId, title: link.title },
      claims: { [LTI_CLAIMS.custom]: link.custom },
    });
    const [remembered] = await db()
      .select()
      .from(achievementLineItems)
      .where(eq(achievementLineItems.achievementId, ids.a!));
    expect(remembered?.lineItemUrl).toBe(link.lineItem?.id);
  });

  it('resends the same grade as the award sent, not full marks', async () => {
    const award = await awardOf(ids.half!);
    const { html } = await getPage(teacher, `${tool.url}/course/awards`);
    const { response } = await postForm(teacher, `${tool.url}/course/awards/${award.id}/grade`, {
      _csrf: csrfTokenOf(html),
    });
    expect(response.status).toBe(303);
    await tool.current().outbox.drain();
    const column = columnOf(ids.half!)[0]!;
    expect(scoresIn(column.id).map((score) => score.scoreGiven)).toEqual([45, 45]);
  });

  describe('the grade mode in the JSON API and the form', () => {
    it('refuses an unknown grade mode with 400 naming the field', async () => {
      const { response } = await teacher.request(`${tool.url}/api/achievements`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          name: 'Odd',
          description: 'Odd.',
          criteria: 'Odd.',
          rule: { passed: quiz('odd') },
          gradeMode: 'always',
        }),
      });
      expect(response.status).toBe(400);
      expect(JSON.stringify(await response.json())).toContain('gradeMode');
    });

    it('does not let a teacher of another course change it', async () => {
      const other = await launchInto(lms, 'course-other', { id: 'teacher-other' }, 'teacher');
      const { response } = await other.request(`${tool.url}/api/achievements/${ids.b}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          name: 'Tables',
          description: 'Taken.',
          criteria: 'Taken.',
          rule: { passed: quiz('tables') },
          gradeMode: 'pass',
        }),
      });
      expect(response.status).toBe(404);
      const listed = await teacher.request(`${tool.url}/api/achievements`);
      const { achievements } = (await listed.response.json()) as {
        achievements: { id: string; gradeMode: string }[];
      };
      expect(achievements.find((a) => a.id === ids.b)?.gradeMode).toBe('result');
    });

    it('is a choice on the achievement form, shown back as saved', async () => {
      const editUrl = `${tool.url}/course/achievements/${ids.pass}/edit`;
      const { html } = await getPage(teacher, editUrl);
      expect(html).toMatch(/id="grade-mode-pass" name="gradeMode" value="pass" checked>/);
      const saved = await postForm(teacher, `${tool.url}/course/achievements/${ids.pass}`, {
        _csrf: csrfTokenOf(html),
        name: 'Surveys',
        description: 'Surveys, described.',
        criteria: 'Do the activities.',
        language: 'en',
        gradeMode: 'result',
      });
      expect(saved.response.status).toBe(303);
      const again = await getPage(teacher, editUrl);
      expect(again.html).toMatch(/id="grade-mode-result" name="gradeMode" value="result" checked>/);
    });
  });
});
