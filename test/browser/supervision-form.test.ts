/**
 * Issue 15, item 3, in a real browser: the teacher of an open self-study platform declares
 * supervision and identity verification in the achievement form; a level that verifies
 * identity is refused on the field, the refused form passes axe at 360 and 1280 px, nothing is
 * stored, and a level without identity verification is saved.
 */
import type { Browser as Chromium, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SUPERVISION_LEVELS } from '../../src/badges/eu-elements.js';
import { listAchievementNames } from '../../src/awards/course-achievements.js';
import {
  checkPage,
  describeInBrowser,
  launchBrowser,
  openSignedInPage,
} from '../support/browser.js';
import { startCourseWorld, type CourseWorld, type WorldPlatform } from '../support/course-world.js';
import { en, formField } from './demo-session.js';

const QUIZ = 'https://mooc.example/quizzes/final';

const SUITE = 'the supervision a self-study platform’s teacher declares in the achievement form';

describeInBrowser(SUITE, () => {
  let world: CourseWorld;
  let mooc: WorldPlatform;
  let chromium: Chromium;
  let page: Page;

  beforeAll(async () => {
    world = await startCourseWorld();
    mooc = await world.platform('self-study');
    const teacher = await mooc.launch({ id: 'mooc-teacher' }, 'teacher');
    chromium = await launchBrowser();
    page = await openSignedInPage(chromium, teacher, world.tool.url);
  }, 120_000);
  afterAll(async () => {
    await chromium?.close();
    await world?.close();
  });

  const fillAndSubmit = async (supervisionUri: string) => {
    await page.goto(`${world.tool.url}/course/achievements/new?lang=en`);
    await formField(page, 'name').fill('Open quiz badge');
    await formField(page, 'description').fill('Shows the holder passed the open final quiz.');
    await formField(page, 'criteria').fill('Pass the final quiz.');
    await formField(page, 'ects').fill('2');
    await formField(page, 'supervision').selectOption(supervisionUri);
    await page.locator('#rule-kind-passed').check();
    await formField(page, 'ruleActivity').fill(QUIZ);
    const [response] = await Promise.all([
      page.waitForResponse((answer) => answer.request().method() === 'POST'),
      page.getByRole('button', { name: en('teacher-achievements:form.create') }).click(),
    ]);
    await page.waitForLoadState('load');
    return response.status();
  };

  it('refuses identity verification on the field, with an accessible form, and stores nothing', async () => {
    expect(await fillAndSubmit(SUPERVISION_LEVELS['supervised-id'].uri)).toBe(422);
    const message = en('teacher-achievements:errors.supervisionSelfStudy');
    await expect(page.locator('#error-supervision').textContent()).resolves.toBe(message);
    await expect(formField(page, 'supervision').getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(
      page.locator('.error-summary a[href="#field-supervision"]').textContent(),
    ).resolves.toBe(message);
    await expect(formField(page, 'supervision').inputValue()).resolves.toBe(
      SUPERVISION_LEVELS['supervised-id'].uri,
    );
    expect(await checkPage(page, 'supervision-refused-self-study')).toEqual([]);
    const { db } = world.tool.current().database;
    expect(await listAchievementNames(db, await mooc.courseId(), 'name')).toEqual([]);
  }, 90_000);

  it('saves a level without identity verification', async () => {
    await fillAndSubmit(SUPERVISION_LEVELS['supervised-no-id'].uri);
    await expect(page.url()).toMatch(/\/course\/achievements\/[0-9a-f-]+\/rule\?saved=created$/);
    const id = /achievements\/([0-9a-f-]+)\/rule/.exec(page.url())?.[1] ?? '';
    await page.goto(`${world.tool.url}/course/achievements/${id}/edit?lang=en`);
    await expect(formField(page, 'supervision').inputValue()).resolves.toBe(
      SUPERVISION_LEVELS['supervised-no-id'].uri,
    );
    expect(await checkPage(page, 'supervision-declared-self-study')).toEqual([]);
  }, 90_000);
});
