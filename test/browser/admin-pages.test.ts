/**
 * Issues #22 (item 4) and #16 (item 1), in a real browser: the admin pages — sign-in, LMS
 * platforms with an invitation just created, an LMS registered by hand with a wrong field, an
 * awarding body completed with a logo and one with wrong fields, external LRSs, the xAPI
 * credentials (listing with a failure and an unknown key, a credential just created, form
 * errors) — pass axe-core without serious or critical violations and fit 360 and 1280 px, in
 * English, German and Finnish, where no English text of the admin catalog is left.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createXapiCredential } from '../../src/xapi/credentials.js';
import { LOCALES_DIR } from '../../src/web/i18n.js';
import {
  checkPage,
  describeInBrowser,
  launchBrowser,
  openPage,
  pageStrings,
} from '../support/browser.js';
import { postStatements } from '../support/platform-xapi.js';
import { startTestTool, type TestTool } from '../support/test-tool.js';
import { basicAuthorization } from '../xapi/lrs-test-server.js';
import { buildPlatform } from '../xapi/xapi-factories.js';

const ADMIN_TOKEN = 'admin-token-for-browser-tests-0123456789';
const LOGO = path.resolve('test/badges/fixtures/images/badge-24x16.png');

/** Every string of a catalog, flattened. */
function catalogStrings(locale: string): string[] {
  const flatten = (value: unknown): string[] =>
    typeof value === 'string' ? [value] : Object.values(value as object).flatMap(flatten);
  return flatten(JSON.parse(readFileSync(path.join(LOCALES_DIR, locale, 'admin.json'), 'utf8')));
}

describeInBrowser('admin pages in the browser', () => {
  let tool: TestTool;
  let browser: Browser;

  beforeAll(async () => {
    [tool, browser] = await Promise.all([
      startTestTool({ env: { MICROCRED_ADMIN_TOKEN: ADMIN_TOKEN } }),
      launchBrowser(),
    ]);
    const { db } = tool.current().database;
    const platform = await buildPlatform(db, { issuer: 'https://moodle.example.org' });
    const moodle = await createXapiCredential({
      db,
      name: 'Moodle logstore_xapi (production)',
      platformId: platform.id,
    });
    await createXapiCredential({ db, name: 'H5P content' });
    const refused = await postStatements(tool, basicAuthorization(moodle.key, 'not-the-secret'), [
      { actor: { mbox: 'mailto:a@example.org' }, verb: { id: 'x' }, object: { id: 'y' } },
    ]);
    expect(refused.status).toBe(401);
    const unknownKey = await postStatements(
      tool,
      basicAuthorization('a-mistyped-key', 'whatever'),
      [{ actor: { mbox: 'mailto:a@example.org' }, verb: { id: 'x' }, object: { id: 'y' } }],
    );
    expect(unknownKey.status).toBe(401);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await tool?.close();
  });

  const signInTo = async (page: Page, locale: string, path: string) => {
    await page.goto(`${tool.url}${path}?lang=${locale}`);
    await page.locator('#admin-token').fill(ADMIN_TOKEN);
    await Promise.all([
      page.waitForURL((url) => url.pathname === path),
      page.locator('form button[type="submit"]').click(),
    ]);
  };
  const signIn = (page: Page, locale: string) => signInTo(page, locale, '/admin/xapi-credentials');
  const submitted = async (page: Page, form: string) => {
    await Promise.all([
      page.waitForResponse((response) => response.request().method() === 'POST'),
      page.locator(`form[action="${form}"] button[type="submit"]`).click(),
    ]);
    await page.waitForLoadState();
  };

  const states: { name: string; open: (page: Page, locale: string) => Promise<void> }[] = [
    {
      name: 'sign-in',
      open: async (page, locale) => {
        await page.goto(`${tool.url}/admin/sign-in?lang=${locale}`);
      },
    },
    {
      name: 'sign-in-wrong-token',
      open: async (page, locale) => {
        await page.goto(`${tool.url}/admin/sign-in?lang=${locale}`);
        await page.locator('#admin-token').fill('wrong');
        await Promise.all([
          page.waitForResponse((response) => response.request().method() === 'POST'),
          page.locator('form button[type="submit"]').click(),
        ]);
        await page.locator('#admin-token-error').waitFor();
      },
    },
    { name: 'xapi-credentials', open: signIn },
    {
      name: 'xapi-credential-created',
      open: async (page, locale) => {
        await signIn(page, locale);
        await page.locator('#credential-name').fill('Moodle logstore_xapi (test)');
        await Promise.all([
          page.waitForResponse((response) => response.request().method() === 'POST'),
          page.locator('form[action="/admin/xapi-credentials"] button').click(),
        ]);
        await page.locator('#created-secret').waitFor();
      },
    },
    {
      name: 'xapi-credential-form-errors',
      open: async (page, locale) => {
        await signIn(page, locale);
        await Promise.all([
          page.waitForResponse((response) => response.request().method() === 'POST'),
          page.locator('form[action="/admin/xapi-credentials"] button').click(),
        ]);
        await page.locator('.error-summary').waitFor();
      },
    },
  ];

  states.push(
    { name: 'platforms', open: (page, locale) => signInTo(page, locale, '/admin/platforms') },
    {
      name: 'invitation-created',
      open: async (page, locale) => {
        await signInTo(page, locale, '/admin/platforms');
        await page.locator('#field-awardingBody').fill('Université Exemple');
        await page.locator('#field-trustLevel').selectOption('registered');
        await submitted(page, '/admin/invitations');
        await page.locator('#invitation-url').waitFor();
      },
    },
    {
      name: 'platform-new-errors',
      open: async (page, locale) => {
        await signInTo(page, locale, '/admin/platforms/new');
        await page.locator('#field-issuer').fill('not a web address');
        await submitted(page, '/admin/platforms/new');
        await page.locator('.error-summary a[href="#field-issuer"]').waitFor();
      },
    },
    {
      name: 'awarding-body-completed',
      open: async (page, locale) => {
        await signInTo(page, locale, '/admin/awarding-bodies');
        await Promise.all([
          page.waitForURL(/\/admin\/awarding-bodies\/.+/),
          page.locator('#awarding-bodies a').first().click(),
        ]);
        const action = new URL(page.url()).pathname;
        await page.locator('#field-url').fill('https://www.universite-exemple.fr');
        await page.locator('#field-countryCode').fill('FR');
        await page.locator('[id="field-address.addressRegion"]').fill('Auvergne-Rhône-Alpes');
        await page.locator('[id="field-identifierType.0"]').selectOption('ext:ErasmusCode');
        await page.locator('[id="field-identifier.0"]').fill('F LYON01');
        await page.locator('#field-logo').setInputFiles(LOGO);
        await submitted(page, action);
        await page.locator('.notice-success').waitFor();
        await expect(page.locator('img.admin-logo').isVisible()).resolves.toBe(true);
      },
    },
    {
      name: 'awarding-body-errors',
      open: async (page, locale) => {
        await signInTo(page, locale, '/admin/awarding-bodies');
        await Promise.all([
          page.waitForURL(/\/admin\/awarding-bodies\/.+/),
          page.locator('#awarding-bodies a').first().click(),
        ]);
        const action = new URL(page.url()).pathname;
        await page.locator('#field-countryCode').fill('France');
        await page.locator('[id="field-parentOrg.name"]').fill('Una Europa');
        await submitted(page, action);
        await page.locator('.error-summary').waitFor();
      },
    },
    { name: 'external-lrs', open: (page, locale) => signInTo(page, locale, '/admin/external-lrs') },
    {
      name: 'tool-key-unconfirmed',
      open: async (page, locale) => {
        await signInTo(page, locale, '/admin/platforms');
        await submitted(page, '/admin/tool-key/rotate');
        await page.locator('.error-summary a[href="#field-toolKeyConfirm"]').waitFor();
      },
    },
    {
      name: 'trust-level-unconfirmed',
      open: async (page, locale) => {
        await signInTo(page, locale, '/admin/platforms');
        await Promise.all([
          page.waitForURL(/\/admin\/platforms\/[0-9a-f-]{36}$/),
          page.locator('#platforms th a').first().click(),
        ]);
        const action = `${new URL(page.url()).pathname}/trust-level`;
        await page.locator('#field-trustLevel').selectOption('self-study');
        await submitted(page, action);
        await page.locator('.error-summary a[href="#field-confirm"]').waitFor();
      },
    },
  );

  const english = catalogStrings('en');
  const translated = { de: new Set(catalogStrings('de')), fi: new Set(catalogStrings('fi')) };

  describe.each(states)('$name', ({ name, open }) => {
    it('passes axe, fits 360 and 1280 px, and leaves no English in German or Finnish', async () => {
      const problems: string[] = [];
      for (const locale of ['en', 'de', 'fi']) {
        const page = await openPage(browser);
        await open(page, locale);
        await expect(page.locator('html').getAttribute('lang')).resolves.toBe(locale);
        for (const violation of await checkPage(page, `admin-${name}-${locale}`)) {
          problems.push(`${locale}: axe ${violation.id} at ${violation.targets.join(' | ')}`);
        }
        if (locale === 'de' || locale === 'fi') {
          const shown = (await pageStrings(page)).join('\n');
          for (const text of english) {
            if (!translated[locale].has(text) && !text.includes('{{') && shown.includes(text)) {
              problems.push(`${locale}: still English: "${text}"`);
            }
          }
        }
        await page.context().close();
      }
      expect(problems).toEqual([]);
    }, 90_000);
  });
});
