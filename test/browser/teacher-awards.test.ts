/**
 * Issue 16, item 3, in a real browser: a teacher awards one learner by hand (after a refused
 * form without a reason), awards a CSV list of three learners with one bad line refused and
 * named, and revokes two credentials at once with one reason; each page passes axe at 360 and
 * 1280 px, in English, German and Finnish.
 */
import { eq } from 'drizzle-orm';
import type { Browser as Chromium, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { awards } from '../../src/db/schema.js';
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
} from '../support/course-world.js';

const QUIZ = 'https://courses.example.org/awards-by-hand/quiz';
const translator = createTranslations();
const t = (locale: Locale) =>
  translator.translator(locale) as (key: string, options?: Record<string, unknown>) => string;

describeInBrowser('a teacher’s awards by hand, by CSV list and revoked in bulk', () => {
  let world: CourseWorld;
  let chromium: Chromium;
  let page: Page;
  let listed: string;

  beforeAll(async () => {
    world = await startCourseWorld();
    const platform = await world.platform('registered');
    const teacher = await platform.launch({ id: 'b-grace', name: 'Grace Hopper' }, 'teacher');
    const create = (name: string) =>
      createAchievementAs(teacher, world.tool.url, {
        name,
        description: `${name}, described.`,
        criteria: 'Do the activities.',
        rule: { passed: QUIZ },
        expiresAfter: 'P2Y',
      });
    await create('Field work');
    listed = await create('Listed work');
    for (const [id, name] of [
      ['b-ada', 'Ada Lovelace'],
      ['b-bob', 'Bob Noyce'],
      ['b-cy', 'Cy Young'],
    ] as const) {
      await platform.launch({ id, name, email: `${id}@example.org` }, 'learner');
    }
    chromium = await launchBrowser();
    page = await openSignedInPage(chromium, teacher, world.tool.url);
  }, 180_000);
  afterAll(async () => {
    await chromium?.close();
    await world?.close();
  });

  it('awards one learner by hand, in English, after naming the missing reason', async () => {
    const en = t('en');
    await page.goto(`${world.tool.url}/course/awards/new?lang=en`);
    await page
      .locator('#field-learner')
      .selectOption({ label: 'Ada Lovelace (b-ada@example.org)' });
    await page.locator('#field-achievement').selectOption({ label: 'Field work' });
    await page.getByRole('button', { name: en('teacher-course:award.submit') }).click();
    await page.waitForLoadState('load');
    const message = `${en('teacher-course:award.fields.reason')}: ${en('teacher-course:award.errors.reasonRequired')}`;
    await expect(
      page.locator('.error-summary a[href="#field-reason"]').textContent(),
    ).resolves.toBe(message);
    expect(await checkPage(page, 'award-by-hand-refused')).toEqual([]);

    await page.locator('#field-reason').fill('Presented the field work in class');
    await Promise.all([
      page.waitForURL(/\/course\/awards\?status=awarded$/),
      page.getByRole('button', { name: en('teacher-course:award.submit') }).click(),
    ]);
    await expect(page.getByRole('status').textContent()).resolves.toBe(
      en('teacher-course:awards.status.awarded'),
    );
    await expect(page.locator('tbody').textContent()).resolves.toContain('Ada Lovelace');
    expect(await checkPage(page, 'award-by-hand-done')).toEqual([]);
  }, 120_000);

  it('awards a CSV list of three learners in German, the bad line refused and named', async () => {
    const de = t('de');
    await page.goto(`${world.tool.url}/course/awards/csv?lang=de`);
    expect(await checkPage(page, 'award-list-form')).toEqual([]);
    await page.locator('#field-achievement').selectOption({ label: 'Listed work' });
    await page.locator('#field-reason').fill('Workshop attended');
    await page.locator('#field-file').setInputFiles({
      name: 'learners.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        'email\nb-ada@example.org\nb-bob@example.org\nnobody@example.org\nb-cy@example.org\n',
      ),
    });
    await page.getByRole('button', { name: de('teacher-course:awardList.check') }).click();
    await page.waitForLoadState('load');
    const refusal = de('teacher-course:awardList.reasons.notInCourse', {
      row: 4,
      column: de('teacher-course:awardList.columns.email'),
      value: 'nobody@example.org',
    });
    await expect(page.locator('tbody').textContent()).resolves.toContain(refusal);
    expect(await checkPage(page, 'award-list-checked')).toEqual([]);

    await Promise.all([
      page.waitForURL(/status=listAwarded&awarded=3&held=0$/),
      page
        .getByRole('button', { name: de('teacher-course:awardList.confirm.submit', { count: 3 }) })
        .click(),
    ]);
    await expect(page.getByRole('status').textContent()).resolves.toBe(
      de('teacher-course:awards.status.listAwarded', { count: 3 }),
    );
    expect(await checkPage(page, 'award-list-done')).toEqual([]);
    const { db } = world.tool.current().database;
    expect(await db.select().from(awards).where(eq(awards.achievementId, listed))).toHaveLength(3);
  }, 120_000);

  it('revokes two credentials at once in Finnish, with one reason', async () => {
    const fi = t('fi');
    await page.goto(`${world.tool.url}/course/awards?lang=fi`);
    for (const learner of ['Bob Noyce', 'Cy Young']) {
      await page
        .getByLabel(
          fi('teacher-course:awards.bulk.select', { learner, achievement: 'Listed work' }),
        )
        .check();
    }
    await page.locator('#bulk-reason').fill('Väärä lista');
    await Promise.all([
      page.waitForURL(/status=bulkRevoked&count=2$/),
      page.getByRole('button', { name: fi('teacher-course:awards.bulk.submit') }).click(),
    ]);
    await expect(page.getByRole('status').textContent()).resolves.toBe(
      fi('teacher-course:awards.status.bulkRevoked', { count: 2 }),
    );
    await expect(page.locator('.tc-badge-revoked').count()).resolves.toBe(2);
    expect(await checkPage(page, 'award-bulk-revoked')).toEqual([]);
  }, 120_000);
});
