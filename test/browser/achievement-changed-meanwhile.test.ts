/**
 * In a real browser: two teachers of a course have the same achievement's form open. The first
 * saves; the second's save is refused with the notice that someone else saved meanwhile, the
 * second teacher's text still in the form, on a page that passes axe at 360 and 1280 px; saving
 * again then stores the second teacher's version.
 */
import { eq } from 'drizzle-orm';
import type { Browser as Chromium, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { achievements } from '../../src/db/schema.js';
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
import { en, formField } from './demo-session.js';

const QUIZ = 'https://courses.example.org/green/final-quiz';

describeInBrowser('an achievement form saved after another teacher saved it', () => {
  let world: CourseWorld;
  let chromium: Chromium;
  let adasPage: Page;
  let gracesPage: Page;
  let achievementId: string;

  beforeAll(async () => {
    world = await startCourseWorld();
    const platform = await world.platform('registered');
    const ada = await platform.launch({ id: 'teacher-ada' }, 'teacher');
    const grace = await platform.launch({ id: 'teacher-grace' }, 'teacher');
    achievementId = await createAchievementAs(ada, world.tool.url, {
      name: 'Green Basics',
      description: 'Explains the basics.',
      criteria: 'Pass the final quiz.',
      rule: { passed: QUIZ },
    });
    chromium = await launchBrowser();
    adasPage = await openSignedInPage(chromium, ada, world.tool.url);
    gracesPage = await openSignedInPage(chromium, grace, world.tool.url);
  }, 120_000);
  afterAll(async () => {
    await chromium?.close();
    await world?.close();
  });

  const storedAchievement = async () => {
    const { db } = world.tool.current().database;
    const [row] = await db.select().from(achievements).where(eq(achievements.id, achievementId));
    return row!;
  };
  const save = async (page: Page) => {
    const [response] = await Promise.all([
      page.waitForResponse((answer) => answer.request().method() === 'POST'),
      page.getByRole('button', { name: en('teacher-achievements:form.save') }).click(),
    ]);
    await page.waitForLoadState('load');
    return response.status();
  };

  it('shows the notice with the teacher’s own text kept, and stores that text when saved again', async () => {
    const editUrl = `${world.tool.url}/course/achievements/${achievementId}/edit?lang=en`;
    await adasPage.goto(editUrl);
    await gracesPage.goto(editUrl);
    await formField(adasPage, 'name').fill('Green Basics, renamed by Ada');
    expect(await save(adasPage)).toBe(303);

    await formField(gracesPage, 'description').fill('Explained again by Grace.');
    expect(await save(gracesPage)).toBe(409);

    await expect(
      gracesPage
        .getByRole('alert')
        .filter({
          hasText: en('teacher-achievements:changedMeanwhile.title'),
        })
        .isVisible(),
    ).resolves.toBe(true);
    await expect(formField(gracesPage, 'description').inputValue()).resolves.toBe(
      'Explained again by Grace.',
    );
    expect(await checkPage(gracesPage, 'achievement-changed-meanwhile')).toEqual([]);
    expect(await storedAchievement()).toMatchObject({
      name: 'Green Basics, renamed by Ada',
      description: 'Explains the basics.',
    });

    expect(await save(gracesPage)).toBe(303);
    expect(await storedAchievement()).toMatchObject({
      name: 'Green Basics',
      description: 'Explained again by Grace.',
    });
  }, 90_000);
});
