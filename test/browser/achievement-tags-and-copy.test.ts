/**
 * Issue 16, item 2, in a real browser: a teacher, signed in by an LMS launch, edits an
 * achievement's group tags on their page (a bad line refused and named, then saved) and copies
 * achievements to another course of the same LMS (a stack refused until the achievement it
 * stacks is copied, then copied with its rule pointing at that copy). Each page passes axe at
 * 360 and 1280 px, in English, German and Polish.
 */
import { eq } from 'drizzle-orm';
import type { Browser as Chromium, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { achievements, achievementTags } from '../../src/db/schema.js';
import { createTranslations, type Locale } from '../../src/web/i18n.js';
import {
  checkPage,
  describeInBrowser,
  launchBrowser,
  openSignedInPage,
} from '../support/browser.js';
import {
  createAchievementAs,
  startCourseWorld,
  type CourseWorld,
  type WorldPlatform,
} from '../support/course-world.js';
import { createBrowser, type Browser as HttpBrowser } from '../support/http-client.js';
import { LTI_ROLES } from '../support/test-lms.js';

const QUIZ = 'https://courses.example.org/tags-and-copy/quiz';
const OTHER_COURSE = { id: 'sustainability-102', title: 'Sustainability 102' };
const translator = createTranslations();
const t = (locale: Locale) =>
  translator.translator(locale) as (key: string, options?: Record<string, unknown>) => string;

describeInBrowser(
  'an achievement’s group tags and its copy to another course, in the browser',
  () => {
    let world: CourseWorld;
    let campus: WorldPlatform;
    let chromium: Chromium;
    let page: Page;
    let teacher: HttpBrowser;
    let module: string;
    let stack: string;

    const db = () => world.tool.current().database.db;
    const url = (path: string) => `${world.tool.url}${path}`;

    /** Presses the form's button and waits for the page the answer leads to. */
    const submit = async (name: string) => {
      await Promise.all([
        page.waitForResponse((answer) => answer.request().method() === 'POST'),
        page.getByRole('button', { name }).click(),
      ]);
      await page.waitForLoadState('load');
    };

    beforeAll(async () => {
      world = await startCourseWorld();
      [campus, chromium] = await Promise.all([world.platform('registered'), launchBrowser()]);
      // The teacher teaches a second course of the same LMS: launching it once makes it a target.
      const elsewhere = createBrowser();
      const launched = await campus.lms.launch({
        browser: elsewhere,
        user: { id: 'tc-teacher', name: 'Grace Hopper' },
        roles: [LTI_ROLES.instructor],
        context: OTHER_COURSE,
      });
      expect(launched.response.status).toBe(200);
      teacher = await campus.launch({ id: 'tc-teacher', name: 'Grace Hopper' }, 'teacher');
      const create = (name: string, rule: unknown) =>
        createAchievementAs(teacher, world.tool.url, {
          name,
          description: `${name}, described.`,
          criteria: 'Do the activities.',
          rule,
        });
      module = await create('Green module', { passed: QUIZ });
      stack = await create('Green pathway', { allOf: [{ earned: module }] });
      page = await openSignedInPage(chromium, teacher, world.tool.url);
    }, 180_000);
    afterAll(async () => {
      await chromium?.close();
      await world?.close();
    });

    it('refuses a tag line without "=" naming its line, then saves the tags, in English', async () => {
      const en = t('en');
      await page.goto(url(`/course/achievements/${module}/tags?lang=en`));
      await expect(page.locator('h1').textContent()).resolves.toBe(
        en('teacher-achievements:tags.title', { name: 'Green module' }),
      );
      expect(await checkPage(page, 'achievement-tags')).toEqual([]);

      await page.locator('#tags').fill('pillar environmental');
      await submit(en('teacher-achievements:tags.submit'));
      const refusal = en('teacher-course:activities.errors.tags.tagNotPair', { line: 1 });
      await expect(page.locator('.error-summary a[href="#tags"]').textContent()).resolves.toBe(
        refusal,
      );
      await expect(page.locator('#tags').getAttribute('aria-invalid')).resolves.toBe('true');
      expect(await checkPage(page, 'achievement-tags-refused')).toEqual([]);

      await page.locator('#tags').fill('pillar=environmental\nlevel=core');
      await submit(en('teacher-achievements:tags.submit'));
      await expect(page.getByRole('status').textContent()).resolves.toBe(
        en('teacher-achievements:tags.saved'),
      );
      const [stored] = await db()
        .select()
        .from(achievementTags)
        .where(eq(achievementTags.achievementId, module));
      expect(stored?.tags).toEqual({ pillar: 'environmental', level: 'core' });
      expect(await checkPage(page, 'achievement-tags-saved')).toEqual([]);
    }, 120_000);

    it('refuses to copy a stack before what it stacks, in Polish, naming it', async () => {
      const pl = t('pl');
      await page.goto(url(`/course/achievements/${stack}/copy?lang=pl`));
      await page.locator('#field-course').selectOption({ label: OTHER_COURSE.title });
      await submit(pl('teacher-achievements:copy.submit'));
      await expect(
        page.locator('.error-summary a[href="#field-course"]').textContent(),
      ).resolves.toBe(
        pl('teacher-achievements:copy.stackedMissing', {
          course: OTHER_COURSE.title,
          missing: pl('teacher-achievements:copy.quotedName', { name: 'Green module' }),
          name: 'Green pathway',
        }),
      );
      expect(await checkPage(page, 'achievement-copy-refused')).toEqual([]);
      const copies = await db()
        .select()
        .from(achievements)
        .where(eq(achievements.copiedFromId, stack));
      expect(copies).toEqual([]);
    }, 120_000);

    it('copies the achievement, then the stack pointing at the copy, in German', async () => {
      const de = t('de');
      for (const id of [module, stack]) {
        await page.goto(url(`/course/achievements/${id}/copy?lang=de`));
        if (id === module) expect(await checkPage(page, 'achievement-copy')).toEqual([]);
        await page.locator('#field-course').selectOption({ label: OTHER_COURSE.title });
        await submit(de('teacher-achievements:copy.submit'));
        await expect(page.getByRole('status').textContent()).resolves.toBe(
          de('teacher-achievements:copy.done', { course: OTHER_COURSE.title }),
        );
      }
      expect(await checkPage(page, 'achievement-copy-done')).toEqual([]);
      const [moduleCopy] = await db()
        .select()
        .from(achievements)
        .where(eq(achievements.copiedFromId, module));
      const [stackCopy] = await db()
        .select()
        .from(achievements)
        .where(eq(achievements.copiedFromId, stack));
      expect(stackCopy?.rule).toEqual({ allOf: [{ earned: moduleCopy!.id }] });
      expect(stackCopy?.courseId).toBe(moduleCopy?.courseId);
      expect(stackCopy?.courseId).not.toBe(await campus.courseId());
    }, 120_000);
  },
);
