import { Ajv2020 } from 'ajv/dist/2020.js';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listCourseActivities } from '../../src/awards/course-activities.js';
import { courses } from '../../src/db/schema.js';
import { registerPlatform } from '../../src/lti/platform-registry.js';
import { createBrowser, type Browser } from '../support/http-client.js';
import { LTI_ROLES, startTestLms, type TestLms } from '../support/test-lms.js';
import type { TestTool } from '../support/test-tool.js';
import { startToolWithLms } from '../support/tool-with-lms.js';
import { csrfTokenOf, getPage } from './teacher-course-world.js';

const CORE = 'https://courses.example.org/alliance/core';
const ENERGY = 'https://courses.example.org/alliance/energy';
const MARKETS = 'https://courses.example.org/alliance/markets';
const CITIES = 'https://courses.example.org/alliance/cities';

const PILLAR_RULE = (foundations: string) => ({
  allOf: [
    { earned: foundations },
    {
      distinctGroupsAtLeast: {
        n: 2,
        tag: 'pillar',
        count: 2,
        of: [{ passed: ENERGY }, { passed: MARKETS }, { passed: CITIES }],
      },
    },
  ],
});

interface StoredAchievement {
  id: string;
  name: string;
  rule: unknown;
  publishedAt: string | null;
  ects: number | null;
  expiresAfter: string | null;
}

describe('copying a course set-up to a course of another platform', () => {
  let tool: TestTool;
  let lms: TestLms;
  let openLms: TestLms;
  let close: () => Promise<void>;
  let teacher: Browser;
  let openTeacher: Browser;
  let foundationsId: string;
  let exported: Record<string, unknown>;

  const json = async (browser: Browser, path: string, method: string, body: unknown) => {
    const { response } = await browser.request(`${tool.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status, path).toBeLessThan(300);
    return (await response.json()) as Record<string, unknown>;
  };

  const achievementsOf = async (browser: Browser) => {
    const { response } = await browser.request(`${tool.url}/api/achievements`);
    return ((await response.json()) as { achievements: StoredAchievement[] }).achievements;
  };

  const courseIdOf = async (contextId: string) => {
    const { db } = tool.current().database;
    const [course] = await db.select().from(courses).where(eq(courses.contextId, contextId));
    if (!course) throw new Error(`No course ${contextId}`);
    return course.id;
  };

  /** Uploads a set-up file with the form of the set-up page, without following the redirect. */
  const upload = async (browser: Browser, content: string, withToken = true) => {
    const token = csrfTokenOf((await getPage(browser, `${tool.url}/course/setup`)).html);
    const body = new FormData();
    if (withToken) body.append('_csrf', token);
    body.append('file', new Blob([content], { type: 'application/json' }), 'course-setup.json');
    const { response } = await browser.request(`${tool.url}/course/setup/import`, {
      method: 'POST',
      headers: { accept: 'text/html' },
      body,
      followRedirects: false,
    });
    return {
      status: response.status,
      location: response.headers.get('location'),
      html: await response.text(),
    };
  };

  beforeAll(async () => {
    ({ tool, lms, close } = await startToolWithLms());
    openLms = await startTestLms({ clientId: 'open-copy-client', deploymentId: 'open-copy' });
    await registerPlatform(tool.current().database.db, {
      ...openLms.platformRegistration(),
      trustLevel: 'self-study',
      awardingBody: 'Open Alliance Courses',
    });
    openLms.setToolEndpoints({
      loginUrl: `${tool.url}/lti/login`,
      launchUrl: `${tool.url}/lti/launch`,
    });
    openLms.setToolJwksUrl(`${tool.url}/lti/keys`);

    teacher = createBrowser();
    await lms.launch({
      browser: teacher,
      user: { id: 'teacher' },
      roles: [LTI_ROLES.instructor],
      context: { id: 'alliance-module' },
    });
    openTeacher = createBrowser();
    await openLms.launch({
      browser: openTeacher,
      user: { id: 'open-teacher' },
      roles: [LTI_ROLES.instructor],
      context: { id: 'alliance-module-open' },
    });

    for (const [activity, pillar] of [
      [ENERGY, 'environmental'],
      [MARKETS, 'economic'],
      [CITIES, 'societal'],
    ] as const) {
      await json(teacher, '/api/activity-tags', 'PUT', { activity, tags: { pillar } });
    }
    const foundations = await json(teacher, '/api/achievements', 'POST', {
      name: 'Foundations',
      description: 'The core course.',
      criteria: 'Pass the core course.',
      ects: 5,
      expiresAfter: 'P3Y',
      rule: { passed: CORE },
      publish: true,
    });
    foundationsId = String(foundations.id);
    await json(teacher, `/api/achievements/${foundationsId}/tags`, 'PUT', {
      tags: { pillar: 'core' },
    });
    await json(teacher, '/api/achievements', 'POST', {
      name: 'Alliance module',
      description: 'The core course and electives from two pillars.',
      criteria: 'Hold Foundations and pass two electives from two pillars.',
      rule: PILLAR_RULE(foundationsId),
      publish: true,
    });
    // The open copy already describes one activity under its own name: it is kept.
    await json(openTeacher, '/api/activity-tags', 'PUT', {
      activity: ENERGY,
      tags: { pillar: 'environmental' },
    });
    const { response } = await teacher.request(`${tool.url}/course/setup/export`);
    exported = (await response.json()) as Record<string, unknown>;
  });
  afterAll(() => close?.());

  it('downloads the set-up as a file that its published JSON Schema accepts', async () => {
    const { response } = await teacher.request(`${tool.url}/course/setup/export`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toMatch(
      /^attachment; filename="?course-setup-\d{4}-\d{2}-\d{2}\.json"?$/,
    );
    const file = (await response.json()) as Record<string, unknown>;
    expect(file).toMatchObject({ format: 'microcred-course-setup', version: 1 });
    const schema = await (await fetch(`${tool.url}/schemas/course-setup-1.json`)).json();
    const validate = new Ajv2020({ strict: false }).compile(schema as object);
    expect(validate(file), JSON.stringify(validate.errors)).toBe(true);
    expect(file.activities).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ iri: ENERGY, tags: { pillar: 'environmental' } }),
      ]),
    );
  });

  it('imports it into a course of another platform as drafts, with the rules pointing at the new achievements', async () => {
    const result = await upload(openTeacher, JSON.stringify(exported));
    expect(result.status, /<div class="error-summary"[\s\S]*?<\/div>/.exec(result.html)?.[0]).toBe(
      303,
    );
    expect(result.location).toBe('/course/setup?imported=2&added=2&bound=1');
    const notice = await getPage(openTeacher, `${tool.url}${result.location}`);
    expect(notice.html).toContain('2 achievements were imported as drafts');
    expect(notice.html).toContain('1 activity was already in this course');

    const copied = await achievementsOf(openTeacher);
    expect(copied.map((achievement) => achievement.name).sort()).toEqual([
      'Alliance module',
      'Foundations',
    ]);
    expect(copied.every((achievement) => achievement.publishedAt === null)).toBe(true);
    const copiedFoundations = copied.find((achievement) => achievement.name === 'Foundations')!;
    expect(copiedFoundations.id).not.toBe(foundationsId);
    expect(copiedFoundations.ects).toBe(5);
    expect(copiedFoundations.expiresAfter).toBe('P3Y');
    const module = copied.find((achievement) => achievement.name === 'Alliance module')!;
    expect(module.rule).toEqual(PILLAR_RULE(copiedFoundations.id));

    const { db } = tool.current().database;
    const activities = await listCourseActivities(db, await courseIdOf('alliance-module-open'));
    expect(
      Object.fromEntries(activities.map((activity) => [activity.activityId, activity.tags])),
    ).toEqual({
      [ENERGY]: { pillar: 'environmental' },
      [MARKETS]: { pillar: 'economic' },
      [CITIES]: { pillar: 'societal' },
    });
    // The source course is untouched.
    expect((await achievementsOf(teacher)).find((a) => a.id === foundationsId)?.rule).toEqual({
      passed: CORE,
    });
  });

  describe('refusals', () => {
    const copyOf = () =>
      JSON.parse(JSON.stringify(exported)) as {
        activities: { iri: string }[];
        achievements: { id: string; definition: { ects?: number; eu: object } }[];
      };

    it('names every bad row and field of a file, storing nothing', async () => {
      const before = await achievementsOf(openTeacher);
      const file = copyOf();
      file.activities[0]!.iri = 'not an iri';
      file.achievements[1]!.definition.ects = 99;
      const result = await upload(openTeacher, JSON.stringify(file));
      expect(result.status).toBe(422);
      expect(result.html).toContain('Activity 1, iri: must be an absolute IRI');
      expect(result.html).toContain('Achievement 2, ects: must be at most 60');
      expect(result.html).toContain('href="#field-file"');
      expect(result.html).toContain('id="field-file"');
      expect(await achievementsOf(openTeacher)).toEqual(before);
    });

    it('refuses a rule that stacks an achievement the file does not hold', async () => {
      const file = copyOf();
      file.achievements = file.achievements.filter((entry) => entry.id !== foundationsId);
      const result = await upload(openTeacher, JSON.stringify(file));
      expect(result.status).toBe(422);
      expect(result.html).toContain(
        `Achievement 1, rule: stacks the achievement ${foundationsId}, which is not in this file`,
      );
    });

    it('rolls back every row when the course refuses one (identity verification on a self-study platform)', async () => {
      const before = await achievementsOf(openTeacher);
      const file = copyOf();
      const module = file.achievements[1]!.definition;
      module.eu = { ...module.eu, supervision: 'unsupervised-id' };
      const result = await upload(openTeacher, JSON.stringify(file));
      expect(result.status).toBe(422);
      expect(result.html).toMatch(/Achievement 2: [^<]*supervision/);
      expect(await achievementsOf(openTeacher)).toEqual(before);
    });

    it('says a file that is not JSON is not JSON', async () => {
      const result = await upload(openTeacher, '{"format": ');
      expect(result.status).toBe(422);
      expect(result.html).toContain('The file: is not a JSON file');
    });

    it('refuses a file of another format version', async () => {
      const result = await upload(openTeacher, JSON.stringify({ ...copyOf(), version: 2 }));
      expect(result.status).toBe(422);
      expect(result.html).toContain('The file, version: must be 1');
    });

    it('refuses an import without the form token with 403, storing nothing', async () => {
      const before = await achievementsOf(openTeacher);
      const result = await upload(openTeacher, JSON.stringify(exported), false);
      expect(result.status).toBe(403);
      expect(await achievementsOf(openTeacher)).toEqual(before);
    });

    it('answers a learner with 403 for the page, the download and the import', async () => {
      const learner = createBrowser();
      await openLms.launch({
        browser: learner,
        user: { id: 'open-learner' },
        roles: [LTI_ROLES.learner],
        context: { id: 'alliance-module-open' },
      });
      expect((await getPage(learner, `${tool.url}/course/setup`)).status).toBe(403);
      expect((await getPage(learner, `${tool.url}/course/setup/export`)).status).toBe(403);
      const body = new FormData();
      body.append('file', new Blob([JSON.stringify(exported)]), 'course-setup.json');
      const { response } = await learner.request(`${tool.url}/course/setup/import`, {
        method: 'POST',
        headers: { accept: 'text/html' },
        body,
        followRedirects: false,
      });
      expect(response.status).toBe(403);
    });
  });
});
