import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findCourseActivity, listCourseActivities } from '../../src/awards/course-activities.js';
import { courses, statements, users } from '../../src/db/schema.js';
import { createBrowser, type Browser } from '../support/http-client.js';
import type { TestLms } from '../support/test-lms.js';
import type { TestTool } from '../support/test-tool.js';
import { platformXapiAuthorization, postStatements } from '../support/platform-xapi.js';
import { startToolWithLms } from '../support/tool-with-lms.js';
import {
  createAchievement,
  csrfTokenOf,
  getPage,
  launchInto,
  postForm,
  reportPassed,
} from './teacher-course-world.js';

const COURSE = 'activities-course';
const QUIZ = 'https://content.example.org/ecology/quiz-1';
const QUIZ_CONTENT = 'https://content.example.org/ecology/quiz-1/index.html';

describe('the activities page: /course/activities', () => {
  let tool: TestTool;
  let lms: TestLms;
  let close: () => Promise<void>;
  let teacher: Browser;
  let learner: Browser;
  let courseId: string;

  beforeAll(async () => {
    ({ tool, lms, close } = await startToolWithLms());
    teacher = await launchInto(lms, COURSE, { id: 'act-teacher' }, 'teacher');
    learner = await launchInto(lms, COURSE, { id: 'act-learner', name: 'Ann Learner' }, 'learner');
    const [course] = await db().select().from(courses).where(eq(courses.contextId, COURSE));
    courseId = course!.id;
  });
  afterAll(() => close?.());

  const db = () => tool.current().database.db;
  const pageUrl = () => `${tool.url}/course/activities`;

  async function saveActivity(browser: Browser, fields: Record<string, string>) {
    const { html } = await getPage(browser, pageUrl());
    return postForm(browser, pageUrl(), { _csrf: csrfTokenOf(html), ...fields });
  }

  it('adds an activity with its name, a translation, a launch URL and group tags', async () => {
    const { response } = await saveActivity(teacher, {
      activityId: QUIZ,
      name: 'Ecology quiz',
      name_de: 'Ökologie-Quiz',
      launchUrl: QUIZ_CONTENT,
      tags: 'pillar=environmental\nlevel = basic',
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/course/activities?status=saved');

    expect(await findCourseActivity(db(), courseId, QUIZ)).toEqual({
      activityId: QUIZ,
      name: 'Ecology quiz',
      names: { de: 'Ökologie-Quiz' },
      launchUrl: QUIZ_CONTENT,
      tags: { pillar: 'environmental', level: 'basic' },
    });
    const { html } = await getPage(teacher, `${pageUrl()}?status=saved`);
    expect(html).toContain('role="status">The activity was saved.');
    expect(html).toContain('Ecology quiz');
    expect(html).toContain('pillar=environmental');
    expect(html).toContain(QUIZ_CONTENT);
  });

  it('changes the activity whose IRI is saved again, offering its values in the form', async () => {
    const iri = 'https://content.example.org/ecology/essay';
    await saveActivity(teacher, { activityId: iri, name: 'Essay', tags: 'pillar=social' });
    const { html } = await getPage(teacher, `${pageUrl()}?activity=${encodeURIComponent(iri)}`);
    expect(html).toContain('value="Essay"');
    expect(html).toContain('>pillar=social</textarea>');

    const { response } = await saveActivity(teacher, { activityId: iri, name: 'Short essay' });
    expect(response.status).toBe(303);
    const described = (await listCourseActivities(db(), courseId)).filter(
      (activity) => activity.activityId === iri,
    );
    expect(described).toEqual([
      { activityId: iri, name: 'Short essay', names: {}, launchUrl: null, tags: {} },
    ]);
  });

  it('keeps name and launch URL when the JSON API sets only the group tags', async () => {
    const { response } = await teacher.request(`${tool.url}/api/activity-tags`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ activity: QUIZ, tags: { pillar: 'economic' } }),
    });
    expect(response.status).toBe(200);
    expect(await findCourseActivity(db(), courseId, QUIZ)).toMatchObject({
      name: 'Ecology quiz',
      launchUrl: QUIZ_CONTENT,
      tags: { pillar: 'economic' },
    });
  });

  it('removes an activity', async () => {
    const iri = 'https://content.example.org/ecology/to-remove';
    await saveActivity(teacher, { activityId: iri, name: 'Removed soon' });
    const { html } = await getPage(teacher, pageUrl());
    const { response } = await postForm(teacher, `${tool.url}/course/activities/delete`, {
      _csrf: csrfTokenOf(html),
      activityId: iri,
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/course/activities?status=deleted');
    expect(await findCourseActivity(db(), courseId, iri)).toBeNull();
  });

  it('lists the IRIs seen in the course’s statements or rules that have no name yet', async () => {
    const seen = 'https://content.example.org/ecology/field-trip';
    const inRule = 'https://content.example.org/ecology/final-exam';
    await reportPassed(tool, lms, 'act-learner', seen);
    await createAchievement(tool, teacher, { name: 'Ecology', rule: { passed: inRule } });

    const { html } = await getPage(teacher, pageUrl());
    const unnamed = html.slice(
      html.indexOf('id="activities-unnamed"'),
      html.indexOf('id="activity-form"'),
    );
    expect(unnamed).toContain(seen);
    expect(unnamed).toContain(inRule);
    expect(unnamed).toContain(`?activity=${encodeURIComponent(seen)}`);
    expect(unnamed).not.toContain(QUIZ);
  });

  it('lists the LMS’s own activities first, with their attempts and questions under them and the statements’ names', async () => {
    const moodle = lms.issuer.replace(/\/+$/, '');
    const quiz = `${moodle}/mod/quiz/view.php?id=15`;
    const previewQuiz = `${moodle}/mod/quiz/view.php?id=16`;
    const section = `${moodle}/course/section.php?id=3`;
    const course = `${moodle}/course/view.php?id=2`;
    const attempt = (n: number, cmid = 15) =>
      `${moodle}/mod/quiz/attempt.php?attempt=${n}&cmid=${cmid}`;
    const question = `${moodle}/question/question.php?cmid=15&id=7`;
    const authorization = await platformXapiAuthorization(tool, lms);
    const byMoodle = (sub: string, object: string, name: string, parent: object[]) => ({
      id: randomUUID(),
      actor: { account: { homePage: moodle, name: sub } },
      verb: { id: 'http://adlnet.gov/expapi/verbs/completed' },
      object: { id: object, definition: { name: { en: name } } },
      result: { score: { scaled: 0.9 }, success: true, completion: true },
      context: {
        contextActivities: {
          parent,
          category: [{ id: moodle, definition: { name: { en: 'Moodle' } } }],
        },
      },
    });
    const quizParent = { id: quiz, definition: { name: { en: 'Soil quiz', de: 'Boden-Quiz' } } };
    const containers = [{ id: section }, { id: course }];
    const response = await postStatements(tool, authorization, [
      byMoodle('act-learner', attempt(1), 'Soil quiz Attempt 1', [quizParent, ...containers]),
      byMoodle('act-learner', question, 'Which soil …?', [
        { id: attempt(1) },
        quizParent,
        ...containers,
      ]),
      byMoodle('act-learner', course, 'Ecology 101', []),
      byMoodle('act-teacher', attempt(2, 16), 'Preview Attempt 2', [
        { id: previewQuiz, definition: { name: { en: 'Preview quiz' } } },
        ...containers,
      ]),
      ...Array.from({ length: 110 }, (_, index) =>
        byMoodle('act-learner', `https://content.example.org/bulk/${index}`, `Bulk ${index}`, []),
      ),
    ]);
    expect(response.status).toBe(200);
    await tool.current().outbox.drain();

    const { html } = await getPage(teacher, pageUrl());
    const unnamed = html.slice(
      html.indexOf('id="activities-unnamed"'),
      html.indexOf('id="activity-form"'),
    );
    const items = unnamed.split('<li>\n      ').slice(1);
    const lmsItems = items.filter((item) => item.includes('activity of your LMS'));
    expect(lmsItems.map((item) => /<code class="tc-iri">([^<]+)</.exec(item)?.[1])).toEqual(
      [previewQuiz, quiz].map((iri) => iri.replaceAll('&', '&amp;')),
    );
    expect(items.findIndex((item) => item.includes(quiz.replaceAll('&', '&amp;')))).toBeLessThan(
      items.findIndex((item) => item.includes('content.example.org/bulk/')),
    );
    const quizItem = lmsItems[1] ?? '';
    expect(quizItem).toContain('Soil quiz');
    expect(quizItem).toContain("in learners' results".replaceAll("'", '&#39;'));
    expect(quizItem).toContain(attempt(1).replaceAll('&', '&amp;'));
    expect(quizItem).toContain('Which soil …?');
    expect(lmsItems[0]).toContain('only in teachers&#39; own tries');
    expect(lmsItems[0]).not.toContain('in learners&#39; results');
    expect(unnamed).toContain('content.example.org/bulk/109');
    for (const container of [course, section, moodle]) {
      expect(unnamed).not.toContain(`<code class="tc-iri">${container}</code>`);
    }
    expect(items.filter((item) => item.includes(attempt(1).replaceAll('&', '&amp;')))).toHaveLength(
      1,
    );

    const search = await getPage(teacher, `${pageUrl()}?q=${encodeURIComponent('which soil')}`);
    const found = search.html.slice(
      search.html.indexOf('id="activities-unnamed"'),
      search.html.indexOf('id="activity-form"'),
    );
    expect(found).toContain(quiz.replaceAll('&', '&amp;'));
    expect(found).not.toContain(previewQuiz);
    expect(found).not.toContain('content.example.org/bulk/');

    const form = await getPage(teacher, `${pageUrl()}?activity=${encodeURIComponent(quiz)}`);
    expect(form.html).toContain('value="Soil quiz"');

    const rule = await getPage(teacher, `${tool.url}/course/achievements/new`);
    expect(rule.html).toContain(`<option value="${quiz}">Soil quiz</option>`);
    expect(rule.html).toContain(
      `<option value="${attempt(1).replaceAll('&', '&amp;')}">Soil quiz › Soil quiz Attempt 1</option>`,
    );
  });

  describe('refusals', () => {
    it('answers 422 with a localized message on each wrong field, and stores nothing', async () => {
      const iri = 'not an iri';
      const { response } = await saveActivity(teacher, {
        activityId: iri,
        name: '',
        launchUrl: 'ftp://content.example.org/quiz',
        tags: 'pillar environmental\npillar=social\npillar=economic',
      });
      expect(response.status).toBe(422);
      const html = await response.text();
      expect(html).toContain('role="alert"');
      expect(html).toMatch(
        /<span class="field-error" id="activityId-error">Enter the activity IRI as a full address/,
      );
      expect(html).toMatch(
        /id="activityId"[^>]*aria-describedby="activityId-error activityId-hint"[^>]*aria-invalid="true"/,
      );
      expect(html).toContain('Enter a name for the activity.');
      expect(html).toContain('Enter the launch URL as an http or https address');
      expect(html).toContain('Line 1 of the group tags: write each tag as key=value.');
      expect(html).toContain('Line 3 of the group tags: this key is already used');
      expect(html).toContain('value="ftp://content.example.org/quiz"');
      expect(await findCourseActivity(db(), courseId, iri)).toBeNull();
    });

    it('speaks the page language in its messages', async () => {
      const { html } = await getPage(teacher, `${pageUrl()}?lang=de`);
      const { response } = await postForm(teacher, pageUrl(), {
        _csrf: csrfTokenOf(html),
        activityId: 'https://content.example.org/x',
        name: '',
      });
      expect(response.status).toBe(422);
      expect(await response.text()).toContain('Geben Sie einen Namen für die Aktivität ein.');
      await getPage(teacher, `${pageUrl()}?lang=en`);
    });

    it('answers 403 to a form without the right token, and stores nothing', async () => {
      const iri = 'https://content.example.org/forged';
      const { response } = await postForm(teacher, pageUrl(), {
        _csrf: 'forged',
        activityId: iri,
        name: 'Forged',
      });
      expect(response.status).toBe(403);
      expect(await response.text()).toContain('CSRF_TOKEN_INVALID');
      expect(await findCourseActivity(db(), courseId, iri)).toBeNull();
    });

    it('answers 403 to a learner, for the page and for its forms', async () => {
      const page = await getPage(learner, pageUrl());
      expect(page.status).toBe(403);
      expect(page.html).toContain('<code>FORBIDDEN</code>');
      const iri = 'https://content.example.org/by-learner';
      const { response } = await postForm(learner, pageUrl(), { activityId: iri, name: 'Mine' });
      expect(response.status).toBe(403);
      expect(await response.text()).toContain('<code>FORBIDDEN</code>');
      expect(await findCourseActivity(db(), courseId, iri)).toBeNull();
    });

    it('answers 401 without a session', async () => {
      const { status, html } = await getPage(createBrowser(), pageUrl());
      expect(status).toBe(401);
      expect(html).toContain('SESSION_REQUIRED');
    });
  });
});

describe('the learner’s content launch: /course/activities/launch', () => {
  let tool: TestTool;
  let lms: TestLms;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ tool, lms, close } = await startToolWithLms());
  });
  afterAll(() => close?.());

  const launchUrl = (activity: string) =>
    `${tool.url}/course/activities/launch?activity=${encodeURIComponent(activity)}`;

  it('opens the content with a new launch whose token stores the learner’s statements', async () => {
    const teacher = await launchInto(lms, 'launch-course', { id: 'l-teacher' }, 'teacher');
    const { html } = await getPage(teacher, `${tool.url}/course/activities`);
    await postForm(teacher, `${tool.url}/course/activities`, {
      _csrf: csrfTokenOf(html),
      activityId: QUIZ,
      name: 'Ecology quiz',
      launchUrl: QUIZ_CONTENT,
    });
    const learner = await launchInto(lms, 'launch-course', { id: 'l-learner' }, 'learner');

    const first = await learner.request(launchUrl(QUIZ), { followRedirects: false });
    const second = await learner.request(launchUrl(QUIZ), { followRedirects: false });
    expect(first.response.status).toBe(303);
    const location = new URL(first.response.headers.get('location') ?? '');
    expect(`${location.origin}${location.pathname}`).toBe(QUIZ_CONTENT);
    expect(location.searchParams.get('endpoint')).toBe(`${tool.url}/xapi/`);
    expect(location.searchParams.get('activityId')).toBe(QUIZ);
    const registration = location.searchParams.get('registration') ?? '';
    const secondLocation = new URL(second.response.headers.get('location') ?? '');
    expect(secondLocation.searchParams.get('registration')).not.toBe(registration);

    // The content does what cmi5 content does: fetch its token, then send a statement.
    const fetched = await fetch(location.searchParams.get('fetch') ?? '', { method: 'POST' });
    const { 'auth-token': token } = (await fetched.json()) as { 'auth-token': string };
    const statementId = randomUUID();
    const stored = await fetch(`${location.searchParams.get('endpoint')}statements`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${token}`,
        'content-type': 'application/json',
        'x-experience-api-version': '2.0.0',
      },
      body: JSON.stringify({
        id: statementId,
        actor: JSON.parse(location.searchParams.get('actor') ?? '{}'),
        verb: { id: 'http://adlnet.gov/expapi/verbs/passed' },
        object: { id: QUIZ },
        result: { success: true },
        context: { registration },
      }),
    });
    expect(stored.status).toBe(200);

    const db = tool.current().database.db;
    const [user] = await db.select().from(users).where(eq(users.sub, 'l-learner'));
    const [row] = await db.select().from(statements).where(eq(statements.id, statementId));
    expect(row).toMatchObject({ userId: user!.id, source: 'content', activityId: QUIZ });
  });

  it('answers 404 for an activity the course does not have, or one without a launch URL', async () => {
    const teacher = await launchInto(lms, 'launch-course', { id: 'l-teacher' }, 'teacher');
    const { html } = await getPage(teacher, `${tool.url}/course/activities`);
    const offline = 'https://content.example.org/ecology/offline-task';
    await postForm(teacher, `${tool.url}/course/activities`, {
      _csrf: csrfTokenOf(html),
      activityId: offline,
      name: 'Offline task',
    });
    const learner = await launchInto(lms, 'launch-course', { id: 'l-learner' }, 'learner');
    for (const activity of ['https://content.example.org/unknown', offline]) {
      const { status, html: page } = await getPage(learner, launchUrl(activity));
      expect(status).toBe(404);
      expect(page).toContain('Page not found');
    }
  });
});
