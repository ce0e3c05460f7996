import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { achievements, achievementTags, courseActivities, courses } from '../../src/db/schema.js';
import type { Browser } from '../support/http-client.js';
import type { TestLms } from '../support/test-lms.js';
import type { TestTool } from '../support/test-tool.js';
import { startToolWithLms } from '../support/tool-with-lms.js';
import {
  createAchievement,
  csrfTokenOf,
  getPage,
  launchInto,
  postForm,
} from './teacher-course-world.js';

const SOURCE = 'copy-source';
const TARGET = 'copy-target';
const QUIZ = 'https://content.example.org/copy/quiz';

describe('copying an achievement to another course: /course/achievements/:id/copy', () => {
  let tool: TestTool;
  let lms: TestLms;
  let close: () => Promise<void>;
  let teacher: Browser;
  let achievementId: string;
  let targetId: string;

  beforeAll(async () => {
    ({ tool, lms, close } = await startToolWithLms());
    await launchInto(lms, TARGET, { id: 'c-teacher' }, 'teacher');
    teacher = await launchInto(lms, SOURCE, { id: 'c-teacher' }, 'teacher');
    achievementId = await createAchievement(tool, teacher, {
      name: 'Green module',
      rule: { passed: QUIZ },
    });
    const put = (path: string, body: unknown) =>
      teacher.request(`${tool.url}${path}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect(
      (await put('/api/activity-tags', { activity: QUIZ, tags: { pillar: 'green' } })).response
        .status,
    ).toBe(200);
    expect(
      (await put(`/api/achievements/${achievementId}/tags`, { tags: { pillar: 'core' } })).response
        .status,
    ).toBe(200);
    // A changed original (revision 2): its copy still starts at revision 1.
    const { response: changed } = await teacher.request(
      `${tool.url}/api/achievements/${achievementId}`,
      {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          name: 'Green module',
          description: 'Green module, described again.',
          criteria: 'Do the activities.',
          rule: { passed: QUIZ },
        }),
      },
    );
    expect(await changed.json()).toMatchObject({ revision: 2 });
    const [target] = await db().select().from(courses).where(eq(courses.contextId, TARGET));
    targetId = target!.id;
  }, 180_000);
  afterAll(() => close?.());

  const db = () => tool.current().database.db;
  const pageUrl = () => `${tool.url}/course/achievements/${achievementId}/copy`;
  const copiesInTarget = () =>
    db().select().from(achievements).where(eq(achievements.courseId, targetId));
  const copy = async (as: Browser, course: string) => {
    const { html } = await getPage(as, `${tool.url}/course/activities`);
    return postForm(as, pageUrl(), { _csrf: csrfTokenOf(html), course });
  };

  it('offers the other courses of the platform the teacher teaches', async () => {
    const { status, html } = await getPage(teacher, pageUrl());
    expect(status).toBe(200);
    expect(html).toContain(`<option value="${targetId}">Course ${TARGET}</option>`);
  });

  it('copies the achievement as a draft with its rule, group tags and activities', async () => {
    const { response } = await copy(teacher, targetId);
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(
      `/course/achievements/${achievementId}/copy?copied=${targetId}`,
    );
    const [copied] = await copiesInTarget();
    expect(copied).toMatchObject({
      name: 'Green module',
      rule: { passed: QUIZ },
      publishedAt: null,
      revision: 1,
    });
    const [tags] = await db()
      .select()
      .from(achievementTags)
      .where(eq(achievementTags.achievementId, copied!.id));
    expect(tags?.tags).toEqual({ pillar: 'core' });
    const [activity] = await db()
      .select()
      .from(courseActivities)
      .where(and(eq(courseActivities.courseId, targetId), eq(courseActivities.activityId, QUIZ)));
    expect(activity?.tags).toEqual({ pillar: 'green' });
    const { html } = await getPage(teacher, `${pageUrl()}?copied=${targetId}&lang=en`);
    expect(html).toContain(`Copied to “Course ${TARGET}” as a draft.`);
  });

  describe('refusals', () => {
    it('refuses a teacher who does not teach the target course: 404, nothing copied', async () => {
      const other = await launchInto(lms, SOURCE, { id: 'c-other' }, 'teacher');
      const { html } = await getPage(other, pageUrl());
      expect(html).not.toContain(targetId);
      const { response } = await copy(other, targetId);
      expect(response.status).toBe(404);
      expect(await copiesInTarget()).toHaveLength(1);
    });

    it('refuses a teacher of the target course for an achievement of another course: 404', async () => {
      const inTarget = await launchInto(lms, TARGET, { id: 'c-teacher' }, 'teacher');
      expect((await getPage(inTarget, pageUrl())).status).toBe(404);
      const { response } = await copy(inTarget, targetId);
      expect(response.status).toBe(404);
      expect(await copiesInTarget()).toHaveLength(1);
    });

    it('refuses a learner: 403', async () => {
      const learner = await launchInto(lms, SOURCE, { id: 'c-learner' }, 'learner');
      expect((await getPage(learner, pageUrl())).status).toBe(403);
      const { response } = await postForm(learner, pageUrl(), { course: targetId });
      expect(response.status).toBe(403);
      expect(await copiesInTarget()).toHaveLength(1);
    });

    it('refuses a form without the right token: 403', async () => {
      const { response } = await postForm(teacher, pageUrl(), {
        _csrf: 'forged',
        course: targetId,
      });
      expect(response.status).toBe(403);
      expect(await copiesInTarget()).toHaveLength(1);
    });
  });

  describe('a stack', () => {
    const copyOf = async (id: string, course: string) => {
      const { html } = await getPage(teacher, `${tool.url}/course/activities`);
      return postForm(teacher, `${tool.url}/course/achievements/${id}/copy?lang=en`, {
        _csrf: csrfTokenOf(html),
        course,
      });
    };
    let part: string;
    let stack: string;

    beforeAll(async () => {
      part = await createAchievement(tool, teacher, {
        name: 'Blue module',
        rule: { passed: `${QUIZ}/blue` },
      });
      stack = await createAchievement(tool, teacher, {
        name: 'Blue and green',
        rule: { allOf: [{ earned: part }, { earned: achievementId }] },
      });
    });

    it('is refused with 409 naming the stacked achievements not yet copied there, nothing copied', async () => {
      const before = await copiesInTarget();
      const { response } = await copyOf(stack, targetId);
      expect(response.status).toBe(409);
      const html = await response.text();
      expect(html).toContain('role="alert"');
      expect(html).toContain(`Copy these achievements to “Course ${TARGET}” first: “Blue module”.`);
      expect(html).toContain(`<option value="${targetId}" selected>`);
      expect(await copiesInTarget()).toEqual(before);
    });

    it('points its rule at the copies in the target course once they are there', async () => {
      expect((await copyOf(part, targetId)).response.status).toBe(303);
      expect((await copyOf(stack, targetId)).response.status).toBe(303);
      const copies = await copiesInTarget();
      const copyOfId = (id: string) => copies.find((row) => row.copiedFromId === id)?.id;
      const copiedStack = copies.find((row) => row.copiedFromId === stack);
      expect(copiedStack?.rule).toEqual({
        allOf: [{ earned: copyOfId(part) }, { earned: copyOfId(achievementId) }],
      });
      expect(copyOfId(part)).toBeDefined();
      expect(copyOfId(achievementId)).toBeDefined();
    });
  });
});
