import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listCourseActivities } from '../../src/awards/course-activities.js';
import { cmi5Aus, cmi5Courses, cmi5Packages, courses } from '../../src/db/schema.js';
import { createBrowser, type Browser } from '../support/http-client.js';
import { courseXml, zipOf } from '../support/cmi5-packages.js';
import type { TestLms } from '../support/test-lms.js';
import type { TestTool } from '../support/test-tool.js';
import { startToolWithLms } from '../support/tool-with-lms.js';
import { csrfTokenOf, getPage, launchInto } from './teacher-course-world.js';

const COURSE = 'cmi5-import-course';
const BASE = 'https://example.org/cmi5/import-test';
const XML = courseXml({
  courseId: `${BASE}/course`,
  title: 'Soil science',
  children: [
    { id: `${BASE}/au/intro`, url: 'index.html', attributes: 'moveOn="Completed"' },
    {
      id: `${BASE}/block/1`,
      children: [
        {
          id: `${BASE}/au/test`,
          url: 'test/index.html?level=2',
          title: 'Final test',
          attributes: 'moveOn="CompletedAndPassed" masteryScore="0.8" launchMethod="OwnWindow"',
        },
      ],
    },
  ],
});
const PAGE = '<!doctype html><title>AU</title><script src="au.js"></script>';

interface ImportAnswer {
  package: {
    id: string;
    courseActivityId: string;
    aus: {
      id: string;
      activityId: string;
      launchUrl: string;
      moveOn: string;
      masteryScore: number | null;
    }[];
    blocks: { id: string; activityId: string }[];
  };
}

describe('importing cmi5 packages: /api/cmi5/packages and /course/activities/cmi5', () => {
  let tool: TestTool;
  let lms: TestLms;
  let close: () => Promise<void>;
  let teacher: Browser;
  let learner: Browser;
  let courseId: string;
  let zip: Buffer;

  beforeAll(async () => {
    ({ tool, lms, close } = await startToolWithLms());
    teacher = await launchInto(lms, COURSE, { id: 'cmi5-teacher' }, 'teacher');
    learner = await launchInto(lms, COURSE, { id: 'cmi5-learner' }, 'learner');
    const [course] = await db().select().from(courses).where(eq(courses.contextId, COURSE));
    courseId = course!.id;
    zip = await zipOf({
      'cmi5.xml': XML,
      'index.html': PAGE,
      'au.js': 'void 0',
      'test/index.html': PAGE,
    });
  });
  afterAll(() => close?.());

  const db = () => tool.current().database.db;
  const api = () => `${tool.url}/api/cmi5/packages`;
  const postPackage = (browser: Browser, body: Buffer | string, type: string) =>
    browser.request(api(), { method: 'POST', headers: { 'content-type': type }, body });
  const packageCount = async () =>
    (await db().select().from(cmi5Packages).where(eq(cmi5Packages.courseId, courseId))).length;

  it('imports a zip: AUs and blocks with moveOn, masteryScore and launch URLs, as activities of the course', async () => {
    const { response } = await postPackage(teacher, zip, 'application/zip');
    expect(response.status).toBe(201);
    const { package: imported } = (await response.json()) as ImportAnswer;
    expect(imported.aus.map((au) => [au.id, au.moveOn, au.masteryScore])).toEqual([
      [`${BASE}/au/intro`, 'Completed', null],
      [`${BASE}/au/test`, 'CompletedAndPassed', 0.8],
    ]);
    expect(imported.aus[1]!.launchUrl).toBe(
      `${tool.url}/content/cmi5/${imported.id}/test/index.html?level=2`,
    );

    const [cmi5Course] = await db()
      .select()
      .from(cmi5Courses)
      .where(eq(cmi5Courses.courseId, courseId));
    expect(cmi5Course).toMatchObject({
      courseIri: `${BASE}/course`,
      title: 'Soil science',
      source: 'package',
      packageId: imported.id,
    });
    const aus = await db().select().from(cmi5Aus).where(eq(cmi5Aus.cmi5CourseId, cmi5Course!.id));
    expect(aus.find((au) => au.auIri === `${BASE}/au/test`)).toMatchObject({
      url: imported.aus[1]!.launchUrl,
      moveOn: 'CompletedAndPassed',
      masteryScore: 0.8,
      launchMethod: 'OwnWindow',
      titles: { 'en-US': 'Final test', de: 'Final test (de)' },
    });
    expect(aus.find((au) => au.auIri === `${BASE}/au/test`)?.parentBlockId).not.toBeNull();

    const activities = await listCourseActivities(db(), courseId);
    const named = new Map(activities.map((activity) => [activity.activityId, activity]));
    expect(named.get(imported.aus[1]!.activityId)).toMatchObject({
      name: 'Final test',
      names: { de: 'Final test (de)' },
    });
    expect(named.get(imported.blocks[0]!.activityId)?.name).toBe('Block');
    expect(named.get(imported.courseActivityId)?.name).toBe('Soil science');
  });

  it('serves the package files in a sandbox that gives them no access to the tool', async () => {
    const { response } = await postPackage(teacher, zip, 'application/zip');
    const { package: imported } = (await response.json()) as ImportAnswer;
    const page = await fetch(imported.aus[0]!.launchUrl);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const policy = page.headers.get('content-security-policy') ?? '';
    expect(policy).toMatch(/^sandbox allow-scripts allow-forms /);
    expect(policy).not.toContain('allow-same-origin');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await page.text()).toBe(PAGE);
    const script = await fetch(`${tool.url}/content/cmi5/${imported.id}/au.js`);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');

    for (const path of [
      'nothing.html',
      '..%2F..%2Fetc%2Fpasswd',
      '%2E%2E/cmi5.xml',
      'test%2F..%2F..%2Fcmi5.xml',
    ]) {
      expect((await fetch(`${tool.url}/content/cmi5/${imported.id}/${path}`)).status).toBe(404);
    }
    expect((await fetch(`${tool.url}/content/cmi5/not-a-uuid/index.html`)).status).toBe(404);
    expect(
      (await fetch(`${tool.url}/content/cmi5/00000000-0000-4000-8000-000000000000/index.html`))
        .status,
    ).toBe(404);
  });

  it('keeps the AUs and their activity ids when the same course is imported again', async () => {
    const first = (await (
      await postPackage(teacher, zip, 'application/zip')
    ).response.json()) as ImportAnswer;
    const again = (await (
      await postPackage(teacher, zip, 'application/zip')
    ).response.json()) as ImportAnswer;
    expect(again.package.id).not.toBe(first.package.id);
    expect(again.package.aus.map((au) => au.activityId)).toEqual(
      first.package.aus.map((au) => au.activityId),
    );
  });

  it('imports a bare cmi5.xml whose AUs are on another server', async () => {
    const bare = courseXml({
      courseId: `${BASE}/remote-course`,
      children: [{ id: `${BASE}/remote-au`, url: 'https://content.example.org/au/index.html' }],
    });
    const { response } = await postPackage(teacher, bare, 'text/xml');
    expect(response.status).toBe(201);
    const { package: imported } = (await response.json()) as ImportAnswer;
    expect(imported.aus[0]!.launchUrl).toBe('https://content.example.org/au/index.html');
  });

  it('imports through the page form and lists the package', async () => {
    const { html } = await getPage(teacher, `${tool.url}/course/activities/cmi5`);
    const form = new FormData();
    form.set('_csrf', csrfTokenOf(html));
    form.set('package', new Blob([zip], { type: 'application/zip' }), 'course.zip');
    const { response } = await teacher.request(`${tool.url}/course/activities/cmi5`, {
      method: 'POST',
      body: form,
      followRedirects: false,
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/course/activities/cmi5?status=imported');
    const listed = await getPage(teacher, `${tool.url}/course/activities/cmi5?status=imported`);
    expect(listed.html).toContain('The package was imported.');
    expect(listed.html).toContain('Soil science');
    expect(listed.html).toContain('2 AUs, 1 blocks');
  });

  describe('refusals', () => {
    it('answers 422 CMI5_PACKAGE_INVALID with each problem, and stores nothing', async () => {
      const before = await packageCount();
      const invalid = courseXml({
        courseId: 'no-scheme/course',
        children: [
          { id: `${BASE}/au/x`, url: 'index.html' },
          { id: `${BASE}/au/x`, url: 'https://e.org/' },
        ],
      });
      const { response } = await postPackage(teacher, invalid, 'application/xml');
      expect(response.status).toBe(422);
      const body = (await response.json()) as { error: { code: string; problems: unknown[] } };
      expect(body.error.code).toBe('CMI5_PACKAGE_INVALID');
      expect(body.error.problems).toEqual([
        { reason: 'iriInvalid', at: 'no-scheme/course' },
        { reason: 'idDuplicated', at: `${BASE}/au/x` },
      ]);
      expect(await packageCount()).toBe(before);
    });

    it('refuses a form body, which a page of another site could send', async () => {
      const { response } = await postPackage(teacher, 'a=1', 'application/x-www-form-urlencoded');
      expect(response.status).toBe(422);
    });

    it('refuses a zip sent as text or form data, as a page of another site could send it', async () => {
      const before = await packageCount();
      for (const type of ['text/plain', 'multipart/form-data; boundary=x']) {
        const { response } = await postPackage(teacher, zip, type);
        expect(response.status, type).toBe(422);
      }
      expect(await packageCount()).toBe(before);
    });

    it('shows the reasons on the page, translated', async () => {
      const { html } = await getPage(teacher, `${tool.url}/course/activities/cmi5?lang=de`);
      const form = new FormData();
      form.set('_csrf', csrfTokenOf(html));
      form.set(
        'package',
        new Blob([await zipOf({ 'index.html': PAGE })], { type: 'application/zip' }),
        'x.zip',
      );
      const { response } = await teacher.request(`${tool.url}/course/activities/cmi5`, {
        method: 'POST',
        body: form,
      });
      expect(response.status).toBe(422);
      expect(await response.text()).toContain(
        'Die ZIP-Datei enthält keine cmi5.xml im Stammverzeichnis.',
      );
    });

    it('refuses learners, visitors without a session, and forms without the token', async () => {
      const before = await packageCount();
      expect((await postPackage(learner, zip, 'application/zip')).response.status).toBe(403);
      expect((await postPackage(createBrowser(), zip, 'application/zip')).response.status).toBe(
        401,
      );
      expect((await getPage(learner, `${tool.url}/course/activities/cmi5`)).status).toBe(403);
      const form = new FormData();
      form.set('package', new Blob([zip], { type: 'application/zip' }), 'course.zip');
      const { response } = await teacher.request(`${tool.url}/course/activities/cmi5`, {
        method: 'POST',
        body: form,
      });
      expect(response.status).toBe(403);
      expect(await packageCount()).toBe(before);
    });
  });

  describe('deleting a package', () => {
    const importOne = async () => {
      const { response } = await postPackage(teacher, zip, 'application/zip');
      expect(response.status).toBe(201);
      return ((await response.json()) as ImportAnswer).package;
    };
    const deleteForm = async (browser: Browser, packageId: string) => {
      const { html } = await getPage(teacher, `${tool.url}/course/activities/cmi5`);
      return browser.request(`${tool.url}/course/activities/cmi5/${packageId}/delete`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: csrfTokenOf(html) }).toString(),
        followRedirects: false,
      });
    };

    it('removes the package, its files and the cmi5 course it holds from the page form', async () => {
      const stored = await importOne();
      const before = await packageCount();
      const file = `${tool.url}/content/cmi5/${stored.id}/index.html`;
      expect((await fetch(file)).status).toBe(200);
      const { html } = await getPage(teacher, `${tool.url}/course/activities/cmi5`);
      expect(html).toContain(`action="/course/activities/cmi5/${stored.id}/delete"`);
      const { response } = await deleteForm(teacher, stored.id);
      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toBe('/course/activities/cmi5?status=deleted');
      expect(await packageCount()).toBe(before - 1);
      expect((await fetch(file)).status).toBe(404);
      const left = await db()
        .select()
        .from(cmi5Courses)
        .where(eq(cmi5Courses.packageId, stored.id));
      expect(left).toHaveLength(0);
      const aus = await db().select().from(cmi5Aus);
      expect(aus.map((au) => au.url).filter((url) => url.includes(stored.id))).toEqual([]);
      const page = await getPage(teacher, `${tool.url}/course/activities/cmi5?status=deleted`);
      expect(page.html).toContain('Das Paket wurde gelöscht');
    });

    it('deletes through the API with 204, and answers 404 for a package that is gone', async () => {
      const stored = await importOne();
      const before = await packageCount();
      const remove = () => teacher.request(`${api()}/${stored.id}`, { method: 'DELETE' });
      expect((await remove()).response.status).toBe(204);
      expect(await packageCount()).toBe(before - 1);
      expect((await remove()).response.status).toBe(404);
    });

    it('refuses learners (403), visitors (401) and teachers of another course (404)', async () => {
      const stored = await importOne();
      const before = await packageCount();
      expect((await deleteForm(learner, stored.id)).response.status).toBe(403);
      expect(
        (await learner.request(`${api()}/${stored.id}`, { method: 'DELETE' })).response.status,
      ).toBe(403);
      expect(
        (await createBrowser().request(`${api()}/${stored.id}`, { method: 'DELETE' })).response
          .status,
      ).toBe(401);
      const stranger = await launchInto(lms, 'cmi5-other-course', { id: 'cmi5-far' }, 'teacher');
      expect(
        (await stranger.request(`${api()}/${stored.id}`, { method: 'DELETE' })).response.status,
      ).toBe(404);
      expect(await packageCount()).toBe(before);
    });
  });
});
