import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findCourseActivity } from '../../src/awards/course-activities.js';
import {
  startContentPackageCourse,
  type ContentPackageCourse,
} from '../support/content-package-course.js';
import type { Browser } from '../support/http-client.js';
import { h5pOf } from '../support/h5p-packages.js';
import type { TestTool } from '../support/test-tool.js';
import { getPage } from './teacher-course-world.js';

interface ImportAnswer {
  package: {
    id: string;
    title: string;
    mainLibrary: string;
    activityId: string;
    playerUrl: string;
  };
}

describe('importing H5P packages: /api/h5p/packages and /course/activities/h5p (the shared page and API: content-package-pages.test.ts)', () => {
  let course: ContentPackageCourse;
  let tool: TestTool;
  let teacher: Browser;
  let courseId: string;
  let zip: Buffer;

  beforeAll(async () => {
    course = await startContentPackageCourse('h5p', {
      contextId: 'h5p-import-course',
      teacherId: 'h5p-teacher',
    });
    ({ tool, teacher, courseId } = course);
    zip = await h5pOf('true-false');
  });
  afterAll(() => course?.close());

  /** The content host: the tool's own server under its other loopback name. */
  const contentUrl = () => tool.settings.contentUrl!;

  it('imports an .h5p as an activity of the course under the tool, launched in the H5P player', async () => {
    const { response } = await course.postPackage(teacher, zip);
    expect(response.status).toBe(201);
    const { package: imported } = (await response.json()) as ImportAnswer;
    expect(imported).toMatchObject({
      title: 'Photosynthesis: true or false',
      mainLibrary: 'H5P.TrueFalse 1.8',
      activityId: `${tool.url}/h5p/${imported.id}`,
      playerUrl: `${contentUrl()}/content/h5p/${imported.id}/player`,
    });
    const activity = await findCourseActivity(course.db(), courseId, imported.activityId);
    expect(activity).toMatchObject({
      name: 'Photosynthesis: true or false',
      launchUrl: imported.playerUrl,
    });
  });

  it('plays H5P only on the content host, which serves none of the tool pages', async () => {
    const { package: imported } = (await (
      await course.postPackage(teacher, zip)
    ).response.json()) as ImportAnswer;
    expect(new URL(contentUrl()).host).not.toBe(new URL(tool.url).host);
    const player = await fetch(imported.playerUrl);
    expect(player.status).toBe(200);
    expect(player.headers.get('content-security-policy')).toBe(
      "object-src 'none'; base-uri 'self'",
    );
    const page = await player.text();
    expect(page).toContain('<title>Photosynthesis: true or false</title>');
    expect(page).toContain('src="/content/h5p-player/main.bundle.js"');

    for (const path of [
      '/course/activities',
      '/xapi/statements',
      '/api/h5p/packages',
      '/lti/login',
    ]) {
      expect((await fetch(`${contentUrl()}${path}`)).status).toBe(404);
    }
    expect((await fetch(`${contentUrl()}/health`)).status).toBe(200);
    for (const path of [
      `/content/h5p/${imported.id}/player`,
      `/content/h5p/${imported.id}/files/h5p.json`,
      '/content/h5p-player/main.bundle.js',
    ]) {
      expect((await fetch(`${tool.url}${path}`)).status).toBe(404);
    }
  });

  it('serves the package files sandboxed, readable by the player across origins', async () => {
    const { package: imported } = (await (
      await course.postPackage(teacher, zip)
    ).response.json()) as ImportAnswer;
    const manifest = await fetch(`${contentUrl()}/content/h5p/${imported.id}/files/h5p.json`);
    expect(manifest.status).toBe(200);
    expect(manifest.headers.get('access-control-allow-origin')).toBe('*');
    expect(manifest.headers.get('access-control-allow-credentials')).toBeNull();
    const policy = manifest.headers.get('content-security-policy') ?? '';
    expect(policy).toMatch(/^sandbox allow-scripts /);
    expect(policy).not.toContain('allow-same-origin');
    expect(((await manifest.json()) as { mainLibrary: string }).mainLibrary).toBe('H5P.TrueFalse');

    const playerScript = await fetch(`${contentUrl()}/content/h5p-player/frame.bundle.js`);
    expect(playerScript.status).toBe(200);
    expect(playerScript.headers.get('content-type')).toMatch(/javascript/);

    for (const path of ['nothing.json', '..%2F..%2Fetc%2Fpasswd', '%2E%2E/h5p.json']) {
      expect((await fetch(`${contentUrl()}/content/h5p/${imported.id}/files/${path}`)).status).toBe(
        404,
      );
    }
    expect((await fetch(`${contentUrl()}/content/h5p-player/..%2F..%2Fpackage.json`)).status).toBe(
      403,
    );
    expect((await fetch(`${contentUrl()}/content/h5p/not-a-uuid/player`)).status).toBe(404);
  });

  it('lists an imported package on the page with its main library', async () => {
    expect((await course.postPackage(teacher, await h5pOf('multi-choice'))).response.status).toBe(
      201,
    );
    const listed = await getPage(teacher, `${tool.url}/course/activities/h5p?status=imported`);
    expect(listed.html).toContain('The H5P activity was imported.');
    expect(listed.html).toContain('Photosynthesis: pick the inputs');
    expect(listed.html).toContain('H5P.MultiChoice 1.16');
  });

  describe('refusals', () => {
    it('refuses a text/plain body, which a page of another origin could send with the session cookie', async () => {
      const before = await course.packageCount();
      const { response } = await course.postPackage(teacher, zip, 'text/plain');
      expect(response.status).toBe(400);
      expect(await course.packageCount()).toBe(before);
    });
  });
});
