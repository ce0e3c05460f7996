import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listCourseActivities } from '../../src/awards/course-activities.js';
import { cmi5Aus, cmi5Courses } from '../../src/db/schema.js';
import { courseXml } from '../support/cmi5-packages.js';
import {
  startContentPackageCourse,
  type ContentPackageCourse,
} from '../support/content-package-course.js';
import type { Browser } from '../support/http-client.js';
import {
  AU_PAGE,
  SOIL_SCIENCE_BASE,
  soilScienceZip,
  type ImportedCmi5Package,
} from '../support/soil-science-package.js';
import type { TestTool } from '../support/test-tool.js';

describe('importing cmi5 packages: /api/cmi5/packages (the shared page and API: content-package-pages.test.ts)', () => {
  let course: ContentPackageCourse;
  let tool: TestTool;
  let teacher: Browser;
  let courseId: string;
  let zip: Buffer;

  beforeAll(async () => {
    course = await startContentPackageCourse('cmi5', {
      contextId: 'cmi5-import-course',
      teacherId: 'cmi5-teacher',
    });
    ({ tool, teacher, courseId } = course);
    zip = await soilScienceZip();
  });
  afterAll(() => course?.close());

  it('imports a zip: AUs and blocks with moveOn, masteryScore and launch URLs, as activities of the course', async () => {
    const { response } = await course.postPackage(teacher, zip, 'application/zip');
    expect(response.status).toBe(201);
    const { package: imported } = (await response.json()) as ImportedCmi5Package;
    expect(imported.aus.map((au) => [au.id, au.moveOn, au.masteryScore])).toEqual([
      [`${SOIL_SCIENCE_BASE}/au/intro`, 'Completed', null],
      [`${SOIL_SCIENCE_BASE}/au/test`, 'CompletedAndPassed', 0.8],
    ]);
    expect(imported.aus[1]!.launchUrl).toBe(
      `${tool.url}/content/cmi5/${imported.id}/test/index.html?level=2`,
    );

    const [cmi5Course] = await course
      .db()
      .select()
      .from(cmi5Courses)
      .where(eq(cmi5Courses.courseId, courseId));
    expect(cmi5Course).toMatchObject({
      courseIri: `${SOIL_SCIENCE_BASE}/course`,
      title: 'Soil science',
      source: 'package',
      packageId: imported.id,
    });
    const aus = await course
      .db()
      .select()
      .from(cmi5Aus)
      .where(eq(cmi5Aus.cmi5CourseId, cmi5Course!.id));
    expect(aus.find((au) => au.auIri === `${SOIL_SCIENCE_BASE}/au/test`)).toMatchObject({
      url: imported.aus[1]!.launchUrl,
      moveOn: 'CompletedAndPassed',
      masteryScore: 0.8,
      launchMethod: 'OwnWindow',
      titles: { 'en-US': 'Final test', de: 'Final test (de)' },
    });
    expect(
      aus.find((au) => au.auIri === `${SOIL_SCIENCE_BASE}/au/test`)?.parentBlockId,
    ).not.toBeNull();

    const activities = await listCourseActivities(course.db(), courseId);
    const named = new Map(activities.map((activity) => [activity.activityId, activity]));
    expect(named.get(imported.aus[1]!.activityId)).toMatchObject({
      name: 'Final test',
      names: { de: 'Final test (de)' },
    });
    expect(named.get(imported.blocks[0]!.activityId)?.name).toBe('Block');
    expect(named.get(imported.courseActivityId)?.name).toBe('Soil science');
  });

  it('serves the package files in a sandbox that gives them no access to the tool', async () => {
    const { response } = await course.postPackage(teacher, zip, 'application/zip');
    const { package: imported } = (await response.json()) as ImportedCmi5Package;
    const page = await fetch(imported.aus[0]!.launchUrl);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const policy = page.headers.get('content-security-policy') ?? '';
    expect(policy).toMatch(/^sandbox allow-scripts allow-forms /);
    expect(policy).not.toContain('allow-same-origin');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await page.text()).toBe(AU_PAGE);
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
      await course.postPackage(teacher, zip, 'application/zip')
    ).response.json()) as ImportedCmi5Package;
    const again = (await (
      await course.postPackage(teacher, zip, 'application/zip')
    ).response.json()) as ImportedCmi5Package;
    expect(again.package.id).not.toBe(first.package.id);
    expect(again.package.aus.map((au) => au.activityId)).toEqual(
      first.package.aus.map((au) => au.activityId),
    );
  });

  it('imports a bare cmi5.xml whose AUs are on another server', async () => {
    const bare = courseXml({
      courseId: `${SOIL_SCIENCE_BASE}/remote-course`,
      children: [
        { id: `${SOIL_SCIENCE_BASE}/remote-au`, url: 'https://content.example.org/au/index.html' },
      ],
    });
    const { response } = await course.postPackage(teacher, bare, 'text/xml');
    expect(response.status).toBe(201);
    const { package: imported } = (await response.json()) as ImportedCmi5Package;
    expect(imported.aus[0]!.launchUrl).toBe('https://content.example.org/au/index.html');
  });

  describe('refusals', () => {
    it('refuses a form body, which a page of another site could send', async () => {
      const { response } = await course.postPackage(
        teacher,
        'a=1',
        'application/x-www-form-urlencoded',
      );
      expect(response.status).toBe(422);
    });

    it('refuses a zip sent as text or form data, as a page of another site could send it', async () => {
      const before = await course.packageCount();
      for (const type of ['text/plain', 'multipart/form-data; boundary=x']) {
        const { response } = await course.postPackage(teacher, zip, type);
        expect(response.status, type).toBe(422);
      }
      expect(await course.packageCount()).toBe(before);
    });
  });
});
