/**
 * Issue 20, in a real browser: the partner registry (with a partner, and a form refused), the
 * learner's page to bring credentials (empty, and refusing a file that is no credential) and
 * the teacher's page of credentials to confirm pass axe-core without serious or critical
 * violations and fit 360 and 1280 px, in English, German and Finnish.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser as HttpBrowser } from '../support/http-client.js';
import {
  checkPage,
  describeInBrowser,
  launchBrowser,
  openPage,
  signInPage,
} from '../support/browser.js';
import { startCourseWorld, type CourseWorld } from '../support/course-world.js';

const ADMIN_TOKEN = 'admin-token-for-recognition-browser-tests';

describeInBrowser('recognition pages in the browser', () => {
  let world: CourseWorld;
  let browser: Browser;
  let learner: HttpBrowser;
  let teacher: HttpBrowser;

  beforeAll(async () => {
    [world, browser] = await Promise.all([
      startCourseWorld({ env: { MICROCRED_ADMIN_TOKEN: ADMIN_TOKEN } }),
      launchBrowser(),
    ]);
    const lms = await world.platform('registered');
    learner = await lms.launch({ id: 'ada', name: 'Ada Lovelace' }, 'learner');
    teacher = await lms.launch({ id: 'grace', name: 'Grace Hopper' }, 'teacher');
    const platforms = await fetch(`${world.tool.url}/api/admin/platforms`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    const [platform] = ((await platforms.json()) as { platforms: { awardingBody: string }[] })
      .platforms;
    const added = await fetch(
      `${world.tool.url}/api/admin/issuer-profiles/${platform!.awardingBody}/partners`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          issuerId: 'did:web:uni-b.example:issuers:main',
          name: 'University B',
          countryCode: 'FI',
          qualityAssurance: 'Una Europa alliance agreement.',
          maxEcts: 5,
        }),
      },
    );
    expect(added.status).toBe(201);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await world?.close();
  });

  const signInAsAdmin = async (page: Page, locale: string) => {
    await page.goto(`${world.tool.url}/admin/partners?lang=${locale}`);
    await page.locator('#admin-token').fill(ADMIN_TOKEN);
    await Promise.all([
      page.waitForURL((url) => url.pathname === '/admin/partners'),
      page.locator('form button[type="submit"]').click(),
    ]);
  };

  const states: { name: string; open: (page: Page, locale: string) => Promise<void> }[] = [
    { name: 'admin-partners', open: signInAsAdmin },
    {
      name: 'admin-partners-form-errors',
      open: async (page, locale) => {
        await signInAsAdmin(page, locale);
        await Promise.all([
          page.waitForResponse((response) => response.request().method() === 'POST'),
          page.locator('form[action="/admin/partners"] button[type="submit"]').click(),
        ]);
        await page.locator('.error-summary').waitFor();
      },
    },
    {
      name: 'learner-recognitions',
      open: async (page, locale) => {
        await signInPage(page, learner, world.tool.url);
        await page.goto(`${world.tool.url}/course/recognitions?lang=${locale}`);
      },
    },
    {
      name: 'learner-recognition-refused',
      open: async (page, locale) => {
        await signInPage(page, learner, world.tool.url);
        await page.goto(`${world.tool.url}/course/recognitions?lang=${locale}`);
        await page.locator('#field-credential').setInputFiles({
          name: 'notes.txt',
          mimeType: 'text/plain',
          buffer: Buffer.from('Notes from the lecture'),
        });
        await Promise.all([
          page.waitForResponse((response) => response.request().method() === 'POST'),
          page.locator('form[action="/course/recognitions"] button[type="submit"]').click(),
        ]);
        await page.locator('.recognition-refusal').waitFor();
      },
    },
    {
      name: 'learner-wallet-request',
      open: async (page, locale) => {
        await signInPage(page, learner, world.tool.url);
        await page.goto(`${world.tool.url}/course/recognitions?lang=${locale}`);
        await Promise.all([
          page.waitForResponse((response) => response.request().method() === 'POST'),
          page
            .locator('form[action="/course/recognitions/wallet-requests"] button[type="submit"]')
            .click(),
        ]);
        await page.locator('[data-wallet-presentation]').waitFor();
      },
    },
    {
      name: 'teacher-recognitions',
      open: async (page, locale) => {
        await signInPage(page, teacher, world.tool.url);
        await page.goto(`${world.tool.url}/course/recognitions/review?lang=${locale}`);
      },
    },
  ];

  describe.each(states)('$name', ({ name, open }) => {
    it('passes axe and fits 360 and 1280 px in English, German and Finnish', async () => {
      const problems: string[] = [];
      for (const locale of ['en', 'de', 'fi']) {
        const page = await openPage(browser);
        await open(page, locale);
        await expect(page.locator('html').getAttribute('lang')).resolves.toBe(locale);
        for (const violation of await checkPage(page, `recognition-${name}-${locale}`)) {
          problems.push(`${locale}: axe ${violation.id} at ${violation.targets.join(' | ')}`);
        }
        await page.context().close();
      }
      expect(problems).toEqual([]);
    }, 90_000);
  });
});
