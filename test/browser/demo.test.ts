import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { DEMO_ACTIVITIES, type DemoActivity } from '../../src/demo/demo-course.js';
import { localizedActivity, QUIZ_WORDS } from '../../src/demo/demo-translations.js';
import { createTranslations } from '../../src/web/i18n.js';
import { checkPage, describeInBrowser, openPage } from '../support/browser.js';
import { startSmtpInbox, type SmtpInbox } from '../support/smtp-inbox.js';
import { en, launchAs, startDemoInBrowser, type DemoInBrowser } from './demo-session.js';

const fi = createTranslations().translator('fi') as typeof en;

/** Follows the learner page's launch link of `quiz`, whatever the page's language. */
async function openQuiz(world: DemoInBrowser, page: Page, quiz: DemoActivity) {
  await page
    .locator(
      `a[href="/course/activities/launch?activity=${encodeURIComponent(`${world.demo.url}activities/${quiz.slug}`)}"]`,
    )
    .first()
    .click();
}

/** Reloads the learner page until it links a credential; returns the first one's public URL. */
async function waitForAnyCredential(page: Page): Promise<string> {
  const link = page.locator('a[href*="/credentials/"]').first();
  await expect
    .poll(
      async () => {
        await page.reload();
        return link.count();
      },
      { timeout: 20_000, interval: 500 },
    )
    .toBeGreaterThan(0);
  return (await link.getAttribute('href')) ?? '';
}

const BANNER = 'Demo LMS';

const SUITE = 'npm run demo: the demo LMS launches teachers and learners into microcred';

describeInBrowser(SUITE, () => {
  let world: DemoInBrowser;
  let inbox: SmtpInbox;

  beforeAll(async () => {
    // With an SMTP server, as an institution runs it: learners are emailed and may opt out.
    inbox = await startSmtpInbox();
    world = await startDemoInBrowser({
      MICROCRED_SMTP_HOST: '127.0.0.1',
      MICROCRED_SMTP_PORT: String(inbox.port),
      MICROCRED_SMTP_TLS: 'none',
      MICROCRED_MAIL_FROM: 'Demo University <badges@demo-university.example>',
    });
  }, 120_000);

  afterAll(async () => {
    await world?.close();
    await inbox?.stop();
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
    const credentialUrl = await waitForAnyCredential(page);
    await expect(
      page.getByRole('checkbox', { name: en('learner:notices.label') }).isChecked(),
    ).resolves.toBe(true);
    expect(await checkPage(page, 'demo-learner-earned')).toEqual([]);

    // Every EU micro-credential element of the seeded achievement is stated.
    const visitor = await openPage(world.browser);
    await visitor.goto(credentialUrl);
    await expect(visitor.locator('main').textContent()).resolves.not.toContain(
      en('public:credential.notStated'),
    );
    await expect.poll(() => inbox.to('learner-lena@demo-university.example').length).toBe(1);
  }, 90_000);

  it('keeps a credential to the learner once she hides it, and says so on her page', async () => {
    const page = await launchAs(world, /^Launch as Lena Fischer$/);
    const credentialUrl = await waitForAnyCredential(page);
    await page.getByRole('radio', { name: en('learner:credential.visibility.hidden') }).check();
    await Promise.all([
      page.waitForURL(/\/course#credential-/),
      page
        .getByRole('button', { name: en('learner:credential.visibility.save') })
        .first()
        .click(),
    ]);
    await expect(
      page.getByText(en('learner:credential.visibility.hiddenNote')).isVisible(),
    ).resolves.toBe(true);
    expect(await checkPage(page, 'demo-learner-hidden')).toEqual([]);

    const visitor = await openPage(world.browser);
    await expect(visitor.goto(credentialUrl).then((answer) => answer?.status())).resolves.toBe(404);
    await expect(page.goto(credentialUrl).then((answer) => answer?.status())).resolves.toBe(200);
  }, 90_000);

  it('gives a learner who launches in Finnish the course, the quiz and the credential in Finnish', async () => {
    const page = await launchAs(world, /^Launch as Aino Virtanen$/, 'fi');
    const [english] = DEMO_ACTIVITIES;
    const quiz = localizedActivity(english!, 'fi');
    const words = QUIZ_WORDS.fi;
    await expect(page.locator('main').textContent()).resolves.toContain(quiz.title);

    await openQuiz(world, page, quiz);
    await expect(page.locator('h1').textContent()).resolves.toBe(quiz.title);
    expect(await checkPage(page, 'demo-quiz-fi')).toEqual([]);
    for (const [index, question] of quiz.questions.entries()) {
      await page
        .locator('fieldset')
        .nth(index)
        .getByLabel(question.choices[question.answer] ?? '', { exact: true })
        .check();
    }
    await page.getByRole('button', { name: words.submit }).click();
    const status = page.getByRole('status');
    await status.getByText(words.sent).waitFor();
    await status.getByRole('link', { name: words.back }).click();
    await page.waitForURL(/\/course$/);

    await waitForAnyCredential(page);
    await expect(
      page.getByRole('heading', { level: 2, name: 'Kestävyyden perusteet' }).count(),
    ).resolves.toBe(1);
    await expect(page.locator('main').textContent()).resolves.toContain(
      fi('learner:credential.visibility.legend'),
    );
    expect(await checkPage(page, 'demo-learner-earned-fi')).toEqual([]);
    await expect
      .poll(() => inbox.to('learner-aino@demo-university.example')[0]?.subject)
      .toBe('Ansaitsit osaamismerkinnän ”Kestävyyden perusteet”');
  }, 90_000);
});
