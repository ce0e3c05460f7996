import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/config/logger.js';
import { loadSettings } from '../../src/config/settings.js';
import { DEMO_ACTIVITIES } from '../../src/demo/demo-course.js';
import { startDemo, type RunningDemo } from '../../src/demo/demo-server.js';
import { checkPage, launchBrowser, openPage } from '../support/browser.js';
import { createTestStorage, type TestStorage } from '../support/test-database.js';
import { freePort } from '../support/test-tool.js';

const BANNER = 'Demo LMS';

describe('npm run demo: the demo LMS launches teachers and learners into microcred', () => {
  let storage: TestStorage;
  let demo: RunningDemo;
  let browser: Browser;

  beforeAll(async () => {
    storage = await createTestStorage();
    const port = await freePort();
    const settings = loadSettings({
      PORT: String(port),
      MICROCRED_PUBLIC_URL: `http://127.0.0.1:${port}`,
      DATABASE_URL: storage.databaseUrl,
      MICROCRED_DATA_DIR: storage.dataDir,
    });
    [demo, browser] = await Promise.all([
      startDemo({ settings, logger: createLogger('error', () => {}) }),
      launchBrowser(),
    ]);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await demo?.close();
    await storage?.drop();
  });

  /** Opens the demo's course page in a new browser session and launches as `person`. */
  async function launchAs(person: RegExp): Promise<Page> {
    const page = await openPage(browser);
    await page.goto(demo.url);
    await Promise.all([
      page.waitForURL(/\/course$/),
      page.getByRole('button', { name: person }).click(),
    ]);
    return page;
  }

  it('shows the course page under a demo banner, with a launch button per person', async () => {
    const page = await openPage(browser);
    await page.goto(demo.url);

    await expect(page.getByRole('banner').textContent()).resolves.toContain(BANNER);
    await expect(page.getByRole('button', { name: /^Launch as/ }).count()).resolves.toBe(4);
    expect(await checkPage(page, 'demo-course-page')).toEqual([]);
  }, 60_000);

  it('launches the teacher through OIDC into the teacher page', async () => {
    const page = await launchAs(/^Launch as teacher/);

    await expect(page.locator('a[href="/course/activities"]').count()).resolves.toBe(1);
    await expect(page.locator('main').textContent()).resolves.toContain('Sustainability Basics');
    expect(await checkPage(page, 'demo-teacher-achievements')).toEqual([]);
  }, 60_000);

  it('launches a learner, who passes the core quiz and then holds the credential', async () => {
    const page = await launchAs(/^Launch as Lena Fischer$/);
    expect(await checkPage(page, 'demo-learner-before')).toEqual([]);

    const [quiz] = DEMO_ACTIVITIES;
    const launchLink = page.locator(
      `a[href="/course/activities/launch?activity=${encodeURIComponent(`${demo.url}activities/${quiz?.slug}`)}"]`,
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
