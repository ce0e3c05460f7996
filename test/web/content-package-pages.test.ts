import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cmi5Aus, cmi5Courses } from '../../src/db/schema.js';
import { courseXml, zipOf } from '../support/cmi5-packages.js';
import {
  startContentPackageCourse,
  type ContentPackageCourse,
} from '../support/content-package-course.js';
import { createBrowser, type Browser } from '../support/http-client.js';
import {
  AU_PAGE,
  SOIL_SCIENCE_BASE,
  soilScienceZip,
  type ImportedCmi5Package,
} from '../support/soil-science-package.js';
import type { TestTool } from '../support/test-tool.js';
import { csrfTokenOf, getPage, launchInto } from './teacher-course-world.js';

const COURSE = 'content-package-course';
describe('the content package page and API, on the cmi5 kind: /course/activities/cmi5 and /api/cmi5/packages', () => {
  let course: ContentPackageCourse;
  let tool: TestTool;
  let teacher: Browser;
  let learner: Browser;
  let zip: Buffer;

  beforeAll(async () => {
    course = await startContentPackageCourse('cmi5', {
      contextId: COURSE,
      teacherId: 'cmi5-teacher',
    });
    ({ tool, teacher } = course);
    learner = await launchInto(course.lms, COURSE, { id: 'cmi5-learner' }, 'learner');
    zip = await soilScienceZip();
  });
  afterAll(() => course?.close());

  const api = () => `${tool.url}/api/cmi5/packages`;

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
      const before = await course.packageCount();
      const invalid = courseXml({
        courseId: 'no-scheme/course',
        children: [
          { id: `${SOIL_SCIENCE_BASE}/au/x`, url: 'index.html' },
          { id: `${SOIL_SCIENCE_BASE}/au/x`, url: 'https://e.org/' },
        ],
      });
      const { response } = await course.postPackage(teacher, invalid, 'application/xml');
      expect(response.status).toBe(422);
      const body = (await response.json()) as { error: { code: string; problems: unknown[] } };
      expect(body.error.code).toBe('CMI5_PACKAGE_INVALID');
      expect(body.error.problems).toEqual([
        { reason: 'iriInvalid', at: 'no-scheme/course' },
        { reason: 'idDuplicated', at: `${SOIL_SCIENCE_BASE}/au/x` },
      ]);
      expect(await course.packageCount()).toBe(before);
    });

    it('shows the reasons on the page, translated', async () => {
      const { html } = await getPage(teacher, `${tool.url}/course/activities/cmi5?lang=de`);
      const form = new FormData();
      form.set('_csrf', csrfTokenOf(html));
      form.set(
        'package',
        new Blob([await zipOf({ 'index.html': AU_PAGE })], { type: 'application/zip' }),
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
      const before = await course.packageCount();
      expect((await course.postPackage(learner, zip, 'application/zip')).response.status).toBe(403);
      expect(
        (await course.postPackage(createBrowser(), zip, 'application/zip')).response.status,
      ).toBe(401);
      expect((await getPage(learner, `${tool.url}/course/activities/cmi5`)).status).toBe(403);
      const form = new FormData();
      form.set('package', new Blob([zip], { type: 'application/zip' }), 'course.zip');
      const { response } = await teacher.request(`${tool.url}/course/activities/cmi5`, {
        method: 'POST',
        body: form,
      });
      expect(response.status).toBe(403);
      expect(await course.packageCount()).toBe(before);
    });
  });

  describe('deleting a package', () => {
    const importOne = async () => {
      const { response } = await course.postPackage(teacher, zip, 'application/zip');
      expect(response.status).toBe(201);
      return ((await response.json()) as ImportedCmi5Package).package;
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
      const before = await course.packageCount();
      const file = `${tool.url}/content/cmi5/${stored.id}/index.html`;
      expect((await fetch(file)).status).toBe(200);
      const { html } = await getPage(teacher, `${tool.url}/course/activities/cmi5`);
      expect(html).toContain(`action="/course/activities/cmi5/${stored.id}/delete"`);
      const { response } = await deleteForm(teacher, stored.id);
      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toBe('/course/activities/cmi5?status=deleted');
      expect(await course.packageCount()).toBe(before - 1);
      expect((await fetch(file)).status).toBe(404);
      const left = await course
        .db()
        .select()
        .from(cmi5Courses)
        .where(eq(cmi5Courses.packageId, stored.id));
      expect(left).toHaveLength(0);
      const aus = await course.db().select().from(cmi5Aus);
      expect(aus.map((au) => au.url).filter((url) => url.includes(stored.id))).toEqual([]);
      const page = await getPage(teacher, `${tool.url}/course/activities/cmi5?status=deleted`);
      expect(page.html).toContain('Das Paket wurde gelöscht');
    });

    it('deletes through the API with 204, and answers 404 for a package that is gone', async () => {
      const stored = await importOne();
      const before = await course.packageCount();
      const remove = () => teacher.request(`${api()}/${stored.id}`, { method: 'DELETE' });
      expect((await remove()).response.status).toBe(204);
      expect(await course.packageCount()).toBe(before - 1);
      expect((await remove()).response.status).toBe(404);
    });

    it('refuses learners (403), visitors (401) and teachers of another course (404)', async () => {
      const stored = await importOne();
      const before = await course.packageCount();
      expect((await deleteForm(learner, stored.id)).response.status).toBe(403);
      expect(
        (await learner.request(`${api()}/${stored.id}`, { method: 'DELETE' })).response.status,
      ).toBe(403);
      expect(
        (await createBrowser().request(`${api()}/${stored.id}`, { method: 'DELETE' })).response
          .status,
      ).toBe(401);
      const stranger = await launchInto(
        course.lms,
        'cmi5-other-course',
        { id: 'cmi5-far' },
        'teacher',
      );
      expect(
        (await stranger.request(`${api()}/${stored.id}`, { method: 'DELETE' })).response.status,
      ).toBe(404);
      expect(await course.packageCount()).toBe(before);
    });
  });
});
