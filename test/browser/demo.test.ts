import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEMO_ACTIVITIES } from '../../src/demo/demo-course.js';
import { checkPage, describeInBrowser, openPage } from '../support/browser.js';
import { launchAs, startDemoInBrowser, type DemoInBrowser } from './demo-session.js';

const BANNER = 'Demo LMS';

const SUITE = 'npm run demo: the demo LMS launches teachers and learners into microcred';

describeInBrowser(SUITE, () => {
  let world: DemoInBrowser;

  beforeAll(async () => {
    world = await startDemoInBrowser();
  }, 120_000);

  afterAll(async () => {
    await world?.close();
  });

  it('shows the course page under a demo banner, with a launch button per person', async () => {
    const page = await openPage(world.browser);
    await page.goto(world.demo.url);

    await expect(page.getByRole('banner').textContent()).resolves.toContain(BANNER);
    await expect(page.getByRole('button', { name: /^Launch as/ }).count()).resolves.toBe(4);
    expect(await checkPage(page, 'demo-course-page')).toEqual([]);
  }, 60_000);

  it('launches the teacher through OIDC into the teacher page', async () => {
    const page = await launchAs(world, /^Launch as teacher/);

    await expect(page.locator('a[href="/course/activities"]').count()).resolves.toBe(1);
    await expect(page.locator('main').textContent()).resolves.toContain('Sustainability Basics');
    expect(await checkPage(page, 'demo-teacher-achievements')).toEqual([]);
  }, 60_000);

  it('launches a learner, who passes the core quiz and then holds the credential', async () => {
    const page = await launchAs(world, /^Launch as Lena Fischer$/);
    expect(await checkPage(page, 'demo-learner-before')).toEqual([]);

    const [quiz] = DEMO_ACTIVITIES;
    const launchLink = page.locator(
      `a[href="/course/activities/launch?activity=${encodeURIComponent(`${world.demo.url}activities/${quiz?.slug}`)}"]`,
    );
    await launchLink.first().click();
    await expect(page.locator('h1').textContent()).resolves.toBe(quiz?.title);
    await expect(page.locator('#launch-status').isHidden()).resolves.toBe(true);
    expect(await checkPage(page, 'demo-quiz')).toEqual([]);

    for (const [index, question] of (quiz?.questions ?? []).entries()) {
      await page
        .locator('fieldset')
        .nth(index)
        .getByLabel(question.choices[question.answer] ?? '')
        .check();
    }
    await page.getByRole('button', { name: 'Submit answers' }).click();
    const status = page.getByRole('status');
    await status.getByText('microcred has your result').waitFor();
    await expect(status.textContent()).resolves.toContain('3 of 3');

    await status.getByRole('link').click();
    await page.waitForURL(/\/course$/);
    await expect
      .poll(
        async () => {
          await page.reload();
          return page.locator('a[href*="/credentials/"]').count();
        },
        { timeout: 20_000, interval: 500 },
      )
      .toBeGreaterThan(0);
    expect(await checkPage(page, 'demo-learner-earned')).toEqual([]);
  }, 90_000);
});
