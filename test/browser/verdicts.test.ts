/**
 * Issue #17, item 5, in a real browser: the verify page answers each outcome with one verdict
 * first — not a credential (junk), signature invalid (a changed name), revoked, expired, and
 * valid for the JSON, PNG, SVG and JWT forms — with the learner's name for a credential, in
 * English, German and Finnish, passing axe at 360 and 1280 px.
 */
import { eq } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { achievements } from '../../src/db/schema.js';
import { loadCatalogs } from '../../src/web/i18n.js';
import { checkPage, describeInBrowser, launchBrowser, openPage } from '../support/browser.js';
import {
  createAchievementAs,
  startCourseWorld,
  type CourseWorld,
} from '../support/course-world.js';
import { csrfTokenOf, getPage, postForm } from '../web/teacher-course-world.js';

const QUIZ = 'https://example.org/verdicts/quiz';
const OLD_QUIZ = 'https://example.org/verdicts/old-quiz';
const LEARNER = 'Rosalind Franklin';
const LOCALES = ['en', 'de', 'fi'] as const;
const catalogs = loadCatalogs();

type VerdictKind = 'valid' | 'notACredential' | 'signatureInvalid' | 'revoked' | 'expired';

/** The verdict's title in the locale's catalog. */
function titleIn(locale: (typeof LOCALES)[number], verdict: VerdictKind): string {
  const texts = catalogs[locale].public as { verdict: Record<string, { title: string }> };
  return texts.verdict[verdict]!.title;
}

describeInBrowser('the verdict of the verify page, for each outcome', () => {
  let world: CourseWorld;
  let chromium: Browser;
  const documents: Record<string, { bytes: Buffer; name: string; mimeType: string } | string> = {};

  const credentialPathsOf = (html: string) => [
    ...new Set(html.match(/\/credentials\/[0-9a-f-]{36}/g) ?? []),
  ];

  beforeAll(async () => {
    [world, chromium] = await Promise.all([startCourseWorld(), launchBrowser()]);
    const { url } = world.tool;
    const platform = await world.platform('registered');
    const teacher = await platform.launch({ id: 'teacher-1' }, 'teacher');
    const rule = (activity: string) => ({ passed: activity });
    await createAchievementAs(teacher, url, {
      name: 'Open data basics',
      description: 'Finds, reads and cites open data sets.',
      criteria: 'Pass the quiz.',
      ects: 1,
      eqfLevel: 4,
      rule: rule(QUIZ),
    });
    const former = await createAchievementAs(teacher, url, {
      name: 'Open data, 2019 edition',
      description: 'The former course, whose credentials expired.',
      criteria: 'Pass the former quiz.',
      rule: rule(OLD_QUIZ),
      expiresOn: '2099-01-01',
    });
    // A day in the past is refused when typed; this one is stored as if its day had passed.
    await world.tool
      .current()
      .database.db.update(achievements)
      .set({ expiresOn: '2020-01-01' })
      .where(eq(achievements.id, former));
    const learner = await platform.launch({ id: 'learner-1', name: LEARNER }, 'learner');
    await platform.send('learner-1', [
      { activity: QUIZ, verb: 'passed' },
      { activity: OLD_QUIZ, verb: 'passed' },
    ]);
    const course = await (await learner.request(`${url}/course`)).response.text();
    for (const path of credentialPathsOf(course)) {
      const json = await (await fetch(`${url}${path}.json`)).text();
      const isExpired = json.includes('2019 edition');
      if (isExpired) {
        documents.expired = {
          bytes: Buffer.from(json),
          name: 'expired.json',
          mimeType: 'application/json',
        };
        continue;
      }
      const download = async (format: string) =>
        Buffer.from(await (await fetch(`${url}${path}.${format}`)).arrayBuffer());
      documents.validJson = {
        bytes: Buffer.from(json),
        name: 'credential.json',
        mimeType: 'application/json',
      };
      documents.validPng = {
        bytes: await download('png'),
        name: 'credential.png',
        mimeType: 'image/png',
      };
      documents.validSvg = {
        bytes: await download('svg'),
        name: 'credential.svg',
        mimeType: 'image/svg+xml',
      };
      documents.validJwt = (await download('jwt')).toString('utf8');
      documents.tampered = {
        bytes: Buffer.from(json.replace(LEARNER, 'Someone Else')),
        name: 'tampered.json',
        mimeType: 'application/json',
      };
    }

    const revoked = await platform.launch({ id: 'learner-2', name: 'Alan Turing' }, 'learner');
    await platform.send('learner-2', [{ activity: QUIZ, verb: 'passed' }]);
    const [revokedPath] = credentialPathsOf(
      await (await revoked.request(`${url}/course`)).response.text(),
    );
    const { html: awardsPage } = await getPage(teacher, `${url}/course/awards`);
    const { response } = await postForm(
      teacher,
      `${url}/course/awards/${revokedPath!.split('/').at(-1)}/revoke`,
      { _csrf: csrfTokenOf(awardsPage), reason: 'Assessment irregularity' },
    );
    expect(response.status).toBeLessThan(400);
    documents.revoked = {
      bytes: Buffer.from(await (await fetch(`${url}${revokedPath}.json`)).arrayBuffer()),
      name: 'revoked.json',
      mimeType: 'application/json',
    };
    documents.junk = 'This is not a credential at all.';
  }, 240_000);
  afterAll(async () => {
    await chromium?.close();
    await world?.close();
  });

  const submit = async (page: Page, document: (typeof documents)[string]) => {
    if (typeof document === 'string') {
      await page.locator('#pasted').fill(document);
    } else {
      await page.locator('#credential-file').setInputFiles({
        name: document.name,
        mimeType: document.mimeType,
        buffer: document.bytes,
      });
    }
    await Promise.all([
      page.waitForResponse((answer) => answer.request().method() === 'POST'),
      page.locator('form.verify-form button[type="submit"]').click(),
    ]);
    await page.locator('#result-heading').waitFor();
  };

  const OUTCOMES: { document: string; verdict: VerdictKind; namesLearner: boolean }[] = [
    { document: 'junk', verdict: 'notACredential', namesLearner: false },
    { document: 'tampered', verdict: 'signatureInvalid', namesLearner: false },
    { document: 'revoked', verdict: 'revoked', namesLearner: false },
    { document: 'expired', verdict: 'expired', namesLearner: true },
    { document: 'validJson', verdict: 'valid', namesLearner: true },
    { document: 'validPng', verdict: 'valid', namesLearner: true },
    { document: 'validSvg', verdict: 'valid', namesLearner: true },
    { document: 'validJwt', verdict: 'valid', namesLearner: true },
  ];

  describe.each(OUTCOMES)('$document', ({ document, verdict, namesLearner }) => {
    it(`reads “${verdict}” first, axe-clean at 360 and 1280 px, in en, de and fi`, async () => {
      const problems: string[] = [];
      for (const locale of LOCALES) {
        const page = await openPage(chromium);
        await page.goto(`${world.tool.url}/verify?lang=${locale}`);
        await submit(page, documents[document]!);
        await expect(page.locator('#result-heading').innerText()).resolves.toBe(
          titleIn(locale, verdict),
        );
        if (namesLearner) {
          await expect(page.locator('main').innerText()).resolves.toContain(LEARNER);
        }
        for (const violation of await checkPage(page, `verdict-${document}-${locale}`)) {
          problems.push(`${locale}: axe ${violation.id} at ${violation.targets.join(' | ')}`);
        }
        await page.context().close();
      }
      expect(problems).toEqual([]);
    }, 120_000);
  });
});
