/**
 * What the browser tests of the pages share: the demo (tool plus demo LMS) on a fresh
 * database, launches through the demo LMS's course page, the demo quizzes answered in the
 * browser, and the English catalog, so that the tests name texts as the pages show them.
 */
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { createLogger } from '../../src/config/logger.js';
import { DEMO_ALLOW_PRIVATE } from '../../src/config/demo-settings.js';
import { loadSettings } from '../../src/config/settings.js';
import { DEMO_ACTIVITIES, type DemoActivity } from '../../src/demo/demo-course.js';
import { startDemo, type RunningDemo } from '../../src/demo/demo-server.js';
import { createTranslations } from '../../src/web/i18n.js';
import { launchBrowser, openPage } from '../support/browser.js';
import { createTestStorage, type TestStorage } from '../support/test-database.js';
import { freePort } from '../support/test-tool.js';

/** The English catalog: `en('learner:condition.done')`. */
export const en = createTranslations().translator('en') as (
  key: string,
  options?: Record<string, unknown>,
) => string;

export interface DemoInBrowser {
  readonly demo: RunningDemo;
  readonly browser: Browser;
  /** The tool's address, without a trailing slash. */
  readonly toolUrl: string;
  close(): Promise<void>;
}

/** Starts the demo on fresh storage; `env` adds settings (an SMTP server, say). */
export async function startDemoInBrowser(env: Record<string, string> = {}): Promise<DemoInBrowser> {
  const storage: TestStorage = await createTestStorage();
  const port = await freePort();
  const toolUrl = `http://127.0.0.1:${port}`;
  const settings = loadSettings({
    PORT: String(port),
    MICROCRED_PUBLIC_URL: toolUrl,
    DATABASE_URL: storage.databaseUrl,
    MICROCRED_DATA_DIR: storage.dataDir,
    MICROCRED_OUTGOING_ALLOW_PRIVATE: DEMO_ALLOW_PRIVATE,
    ...env,
  });
  const [demo, browser] = await Promise.all([
    startDemo({ settings, logger: createLogger('error', () => {}) }),
    launchBrowser(),
  ]);
  return {
    demo,
    browser,
    toolUrl,
    async close() {
      await browser.close();
      await demo.close();
      await storage.drop();
    },
  };
}

/**
 * Opens the demo LMS's course page in a new browser session, picks the launch language and
 * launches as the person whose button matches `person`; resolves on the tool's `/course`.
 */
export async function launchAs(
  { demo, browser }: DemoInBrowser,
  person: RegExp,
  locale = 'en',
): Promise<Page> {
  const page = await openPage(browser);
  await page.goto(demo.url);
  await page.getByLabel('Language of the launch').selectOption(locale);
  await Promise.all([
    page.waitForURL(/\/course(\?.*)?$/),
    page.getByRole('button', { name: person }).click(),
  ]);
  return page;
}

export function demoActivity(slug: string): DemoActivity {
  const activity = DEMO_ACTIVITIES.find((candidate) => candidate.slug === slug);
  if (!activity) throw new Error(`The demo has no quiz ${slug}`);
  return activity;
}

/** The IRI (and launch URL) the demo gives a quiz. */
export function activityIri(demo: RunningDemo, activity: DemoActivity): string {
  return `${demo.url}activities/${activity.slug}`;
}

/**
 * The accessible name of a condition's launch link, "Start: <activity>" (chromium puts a space
 * before the visually hidden part).
 */
export function launchLinkName(activity: DemoActivity): RegExp {
  const title = activity.title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${en('learner:condition.launch')}\\s*:\\s*${title}$`);
}

/**
 * On the learner's course page: follows the first launch link of `activity`, answers its
 * questions right, submits, waits until microcred has the result and goes back to the course.
 */
export async function passQuiz(page: Page, activity: DemoActivity): Promise<void> {
  await page
    .getByRole('link', { name: launchLinkName(activity) })
    .first()
    .click();
  await expect(page.locator('h1').textContent()).resolves.toBe(activity.title);
  for (const [index, question] of activity.questions.entries()) {
    await page
      .locator('fieldset')
      .nth(index)
      .getByLabel(question.choices[question.answer] ?? '', { exact: true })
      .check();
  }
  await page.getByRole('button', { name: 'Submit answers' }).click();
  const status = page.getByRole('status');
  await status.getByText('microcred has your result').waitFor({ timeout: 20_000 });
  await Promise.all([page.waitForURL(/\/course$/), status.getByRole('link').click()]);
}

/** An achievement with every element of a European micro-credential the form has. */
export const PRACTITIONER = {
  name: 'Sustainability Practitioner',
  description:
    'Shows that the holder applies the environmental, economic and societal pillars of sustainability to decisions at work.',
  criteria: 'Pass the core quiz and electives from at least two different pillars.',
  language: 'en',
  ects: '3',
  workloadHours: '75',
  eqfLevel: 6,
  outcomes: [
    {
      text: 'Assess the environmental impact of a product over its life cycle.',
      escoSkill: 'http://data.europa.eu/esco/skill/5f1d4c2a-8a3e-4b6f-9d2c-1e7a0b3c4d5e',
    },
    {
      text: 'Propose circular business models that keep materials in use.',
      escoSkill: 'http://data.europa.eu/esco/skill/0b9e8d7c-6a5f-4e3d-2c1b-a09f8e7d6c5b',
    },
  ],
  /** Europass: quiz. */
  assessmentType: 'http://data.europa.eu/snb/assessment/b1b68f6735',
  assessmentDescription: 'Four short online quizzes, marked automatically.',
  gradingScheme: 'Pass with at least 60 % of the answers right in each quiz.',
  /** Europass: online. */
  participationForm: 'http://data.europa.eu/snb/learning-assessment/920fbb3cbe',
  supervision: 'http://data.europa.eu/snb/supervision-verification/c598449d64',
  /** Europass accreditation type: institutional quality assurance. */
  qualityAssuranceType: 'http://data.europa.eu/snb/accreditation/bb4618238e',
  qualityAssurance: 'Reviewed every year by the quality board of Demo University.',
  qualityAssuranceUrl: 'https://demo-university.example/quality',
  prerequisites: 'A completed secondary education.',
  stackabilityDescription: 'Counts towards the certificate in sustainable business.',
  stacksInto: 'https://demo-university.example/certificates/sustainable-business',
  fieldOfStudy: '0521 Environmental sciences',
  furtherInformation: 'Offered every semester as a self-paced online course.',
  furtherInformationUrl: 'https://demo-university.example/sustainability-practitioner',
  translation: {
    language: 'de',
    name: 'Nachhaltigkeit in der Praxis',
    description:
      'Zeigt, dass die Person die drei Säulen der Nachhaltigkeit bei Entscheidungen im Beruf anwendet.',
    criteria: 'Das Kernquiz und Wahlquizze aus mindestens zwei Säulen bestehen.',
    learningOutcomes: [
      'Die Umweltwirkung eines Produkts über seinen Lebenszyklus bewerten.',
      'Kreislauforientierte Geschäftsmodelle vorschlagen.',
    ],
  },
} as const;

/** The form field named `name` (its id is `field-<name>`, names may hold dots). */
export function formField(page: Page, name: string) {
  return page.locator(`[id="field-${name}"]`);
}

/**
 * On /course/achievements/new: fills every field with PRACTITIONER, sets the first condition
 * of the rule to passing `firstActivityIri`, and submits; resolves on the rule page with the id
 * of the new achievement.
 */
export async function createPractitioner(page: Page, firstActivityIri: string): Promise<string> {
  const a = PRACTITIONER;
  const fill = (name: string, value: string) => formField(page, name).fill(value);
  await fill('name', a.name);
  await fill('description', a.description);
  await fill('criteria', a.criteria);
  await fill('language', a.language);
  await fill('ects', a.ects);
  await fill('workloadHours', a.workloadHours);
  await formField(page, 'eqfLevel').selectOption({
    label: en('teacher-achievements:eqf.level', { level: a.eqfLevel }),
  });
  for (const [index, outcome] of a.outcomes.entries()) {
    await fill(`outcomes.${index}.text`, outcome.text);
    await fill(`outcomes.${index}.escoSkills`, outcome.escoSkill);
  }
  await formField(page, 'assessmentType').selectOption(a.assessmentType);
  await fill('assessmentDescription', a.assessmentDescription);
  await fill('gradingScheme', a.gradingScheme);
  await formField(page, 'participationForm').selectOption(a.participationForm);
  await formField(page, 'supervision').selectOption(a.supervision);
  await formField(page, 'qualityAssuranceType').selectOption(a.qualityAssuranceType);
  await fill('qualityAssurance', a.qualityAssurance);
  await fill('qualityAssuranceUrl', a.qualityAssuranceUrl);
  await fill('prerequisites', a.prerequisites);
  await formField(page, 'stackable').selectOption('yes');
  await fill('stackabilityDescription', a.stackabilityDescription);
  await fill('stacksInto', a.stacksInto);
  await fill('fieldOfStudy', a.fieldOfStudy);
  await fill('furtherInformation', a.furtherInformation);
  await fill('furtherInformationUrl', a.furtherInformationUrl);
  await fill('translations.0.language', a.translation.language);
  await fill('translations.0.name', a.translation.name);
  await fill('translations.0.description', a.translation.description);
  await fill('translations.0.criteria', a.translation.criteria);
  await fill('translations.0.learningOutcomes', a.translation.learningOutcomes.join('\n'));
  await page.locator('#rule-kind-passed').check();
  await fill('ruleActivity', firstActivityIri);
  const rulePage = /\/course\/achievements\/([0-9a-f-]+)\/rule\?saved=created$/;
  await Promise.all([
    page.waitForURL(rulePage),
    page.getByRole('button', { name: en('teacher-achievements:form.create') }).click(),
  ]);
  return rulePage.exec(page.url())?.[1] ?? '';
}

/**
 * On the rule page of a draft: previews the rule it has and publishes it from the preview, as a
 * teacher does; resolves on the achievement list.
 */
export async function publishFromPreview(page: Page, toolUrl: string, achievementId: string) {
  await page.goto(`${toolUrl}/course/achievements/${achievementId}/rule`);
  await page.getByRole('button', { name: en('teacher-achievements:rule.preview') }).click();
  await Promise.all([
    page.waitForURL(/\/course\?saved=published$/),
    page.getByRole('button', { name: en('teacher-achievements:preview.publish') }).click(),
  ]);
}

/**
 * Reloads the learner's course page until the card of `achievementName` links its credential
 * (awards are issued by a background job), and returns the credential's public URL.
 */
export async function waitForCredential(page: Page, achievementName: string): Promise<string> {
  const link = page
    .getByRole('article', { name: achievementName })
    .locator('a[href*="/credentials/"]')
    .first();
  const deadline = Date.now() + 30_000;
  for (;;) {
    await page.reload();
    if ((await link.count()) > 0) return (await link.getAttribute('href')) ?? '';
    if (Date.now() > deadline) throw new Error(`No credential for ${achievementName} after 30 s`);
    await page.waitForTimeout(500);
  }
}
