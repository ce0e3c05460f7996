/**
 * Issue 17, "Done when" 1 for the badge image: a teacher designs the badge in the designer, and
 * the image then shows, loaded and named by its alt text, on the learner's card, the public
 * credential page, the verify verdict and the teacher's achievement and award lists, in English,
 * German and Finnish, each page axe-clean and without sideways scrolling at 360 and 1280 px.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogs } from '../../src/web/i18n.js';
import { checkPage, describeInBrowser, openPage } from '../support/browser.js';
import {
  activityIri,
  createPractitioner,
  demoActivity,
  en,
  launchAs,
  passQuiz,
  PRACTITIONER,
  publishFromPreview,
  startDemoInBrowser,
  waitForCredential,
  type DemoInBrowser,
} from './demo-session.js';

const core = demoActivity('sustainability-basics');
const LOCALES = ['en', 'de', 'fi'] as const;
const catalogs = loadCatalogs();

/** The alt text the pages give the badge of `name`, from the locale's catalog. */
function altIn(locale: (typeof LOCALES)[number], name: string): string {
  const template = (catalogs[locale].public as { badgeImage: { alt: string } }).badgeImage.alt;
  return template.replace('{{name}}', name);
}

describeInBrowser('the badge image on every page that shows a credential or achievement', () => {
  let world: DemoInBrowser;
  let teacher: Page;
  let learner: Page;
  let visitor: Page;
  let achievementId = '';
  let credentialPath = '';
  let credentialJson = '';

  beforeAll(async () => {
    world = await startDemoInBrowser();
    teacher = await launchAs(world, /^Launch as teacher/);
    await teacher.goto(`${world.toolUrl}/course/achievements/new`);
    achievementId = await createPractitioner(teacher, activityIri(world.demo, core));
    await teacher.goto(`${world.toolUrl}/course/achievements/${achievementId}/badge`);
    await teacher.getByLabel(en('teacher-achievements:designer.templates.hexagon')).check();
    await Promise.all([
      teacher.waitForURL(/\/course\?saved=badge$/),
      teacher.getByRole('button', { name: en('teacher-achievements:designer.save') }).click(),
    ]);
    await publishFromPreview(teacher, world.toolUrl, achievementId);

    learner = await launchAs(world, /^Launch as Lena Fischer$/);
    await passQuiz(learner, core);
    const credentialUrl = await waitForCredential(learner, PRACTITIONER.name);
    credentialPath = new URL(credentialUrl).pathname;
    credentialJson = await (await fetch(`${credentialUrl}.json`)).text();
    visitor = await openPage(world.browser);
  }, 300_000);

  afterAll(async () => {
    await world?.close();
  });

  const uploadCredential = async (page: Page) => {
    await page.locator('#credential-file').setInputFiles({
      name: 'credential.json',
      mimeType: 'application/json',
      buffer: Buffer.from(credentialJson),
    });
    await Promise.all([
      page.waitForURL(/\/verify(\?.*)?$/),
      page.locator('form.verify-form button[type="submit"]').click(),
    ]);
    await page.locator('#result-heading').waitFor();
  };

  const PAGES = [
    // The learner's page names the achievement in the reader's language (the demo translates
    // "Sustainability Practitioner"), and the image's alt text with it.
    {
      name: 'learner-course',
      page: () => learner,
      path: () => '/course',
      shownName: (page: Page) =>
        page.locator('article.achievement h2', { hasText: /./ }).nth(1).innerText(),
    },
    { name: 'credential', page: () => visitor, path: () => credentialPath },
    { name: 'verify-result', page: () => visitor, path: () => '/verify', then: uploadCredential },
    { name: 'teacher-achievements', page: () => teacher, path: () => '/course' },
    { name: 'teacher-awards', page: () => teacher, path: () => '/course/awards' },
    {
      name: 'teacher-badge-designer',
      page: () => teacher,
      // The designer opens with the saved design.
      path: () => `/course/achievements/${achievementId}/badge`,
    },
  ];

  describe.each(PAGES)('$name', (spec) => {
    it('shows the designed badge with its alt text, axe-clean at 360 and 1280 px, in en, de and fi', async () => {
      const problems: string[] = [];
      for (const locale of LOCALES) {
        const page = spec.page();
        const url = new URL(spec.path(), world.toolUrl);
        url.searchParams.set('lang', locale);
        await page.goto(url.href);
        if (spec.then) await spec.then(page);
        const name = spec.shownName ? await spec.shownName(page) : PRACTITIONER.name;
        const image = page.getByRole('img', { name: altIn(locale, name) }).first();
        await expect(image.isVisible()).resolves.toBe(true);
        const drawn = await image.evaluate((element) => {
          const img = element as unknown as { complete: boolean; naturalWidth: number };
          return img.complete && img.naturalWidth > 0;
        });
        expect(drawn, `${spec.name} (${locale}): the image loaded`).toBe(true);
        const source = (await image.getAttribute('src')) ?? '';
        const svg = source.startsWith('data:')
          ? Buffer.from(source.split(',')[1] ?? '', 'base64').toString('utf8')
          : await (await fetch(new URL(source, world.toolUrl))).text();
        // The designed hexagon, not the generated circle.
        expect(svg, `${spec.name} (${locale})`).toContain('<polygon points="256,10 469,133');
        for (const violation of await checkPage(page, `badge-${spec.name}-${locale}`)) {
          problems.push(
            `${locale}: axe ${violation.impact} ${violation.id} at ${violation.targets.join(' | ')}`,
          );
        }
        await page.setViewportSize({ width: 360, height: 800 });
        const { width } = (await image.boundingBox()) ?? { width: 0 };
        expect(width, `${spec.name} (${locale}) at 360 px`).toBeGreaterThanOrEqual(32);
        expect(width, `${spec.name} (${locale}) at 360 px`).toBeLessThanOrEqual(160);
        await page.setViewportSize({ width: 1280, height: 800 });
      }
      expect(problems).toEqual([]);
    }, 180_000);
  });
});
