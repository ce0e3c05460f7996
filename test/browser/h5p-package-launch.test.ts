/**
 * H5P packages imported into a course play in the tool's H5P player (h5p-standalone) in
 * Chromium: the real H5P True/False and Multiple Choice content types send their xAPI events,
 * which the player relays to the LRS under the launch's learner, registration and activity,
 * and the credential whose rule asks for the activity to be passed is awarded. Hostile script
 * inside a package runs on the content host, another origin: it cannot read the tool's
 * cookies, nor the answers of the tool's pages, and the content host serves none of them.
 */
import { and, eq } from 'drizzle-orm';
import type { Browser as Chromium, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { awards, statements, users } from '../../src/db/schema.js';
import { describeInBrowser, launchBrowser, openSignedInPage } from '../support/browser.js';
import { h5pOf } from '../support/h5p-packages.js';
import type { Browser } from '../support/http-client.js';
import type { TestLms } from '../support/test-lms.js';
import type { TestTool } from '../support/test-tool.js';
import { startToolWithLms } from '../support/tool-with-lms.js';
import { createAchievement, launchInto } from '../web/teacher-course-world.js';

const COURSE = 'h5p-package-course';
const SUITE = 'an imported H5P package, played from the course in Chromium';

interface ImportAnswer {
  package: { id: string; activityId: string; playerUrl: string };
}

describeInBrowser(SUITE, () => {
  let tool: TestTool;
  let lms: TestLms;
  let closeWorld: () => Promise<void>;
  let chromium: Chromium;
  let teacher: Browser;

  beforeAll(async () => {
    ({ tool, lms, close: closeWorld } = await startToolWithLms());
    chromium = await launchBrowser();
    teacher = await launchInto(lms, COURSE, { id: 'h5p-teacher' }, 'teacher');
  }, 120_000);
  afterAll(async () => {
    await chromium?.close();
    await closeWorld?.();
  });

  const db = () => tool.current().database.db;

  async function importPackage(zip: Buffer): Promise<ImportAnswer['package']> {
    const { response } = await teacher.request(`${tool.url}/api/h5p/packages`, {
      method: 'POST',
      headers: { 'content-type': 'application/zip' },
      body: zip,
    });
    expect(response.status).toBe(201);
    return ((await response.json()) as ImportAnswer).package;
  }

  /** A Chromium page holding a course session of `browser`, at the activity's content launch. */
  async function launchActivity(browser: Browser, activityId: string): Promise<Page> {
    const page = await openSignedInPage(chromium, browser, tool.url);
    await page.goto(
      `${tool.url}/course/activities/launch?activity=${encodeURIComponent(activityId)}`,
    );
    return page;
  }

  /** The frame h5p-standalone plays the content in. */
  async function contentFrame(page: Page): Promise<Frame> {
    const element = await page.waitForSelector('iframe.h5p-iframe');
    const frame = (await element.contentFrame())!;
    await frame.waitForSelector('.h5p-question-check-answer');
    return frame;
  }

  async function learnerEarns(sub: string, achievementId: string): Promise<boolean> {
    await tool.current().outbox.drain();
    const [user] = await db().select().from(users).where(eq(users.sub, sub));
    const earned = await db()
      .select()
      .from(awards)
      .where(and(eq(awards.achievementId, achievementId), eq(awards.userId, user!.id)));
    return earned.length === 1;
  }

  /** Waits for the relay's POST of H5P's `answered` statement and its answer. */
  function answeredSent(page: Page) {
    return page.waitForResponse(
      (response) =>
        response.url().endsWith('/xapi/statements') &&
        response.request().method() === 'POST' &&
        (response.request().postData() ?? '').includes('http://adlnet.gov/expapi/verbs/answered'),
    );
  }

  it('a True/False question, answered right, is passed under the launch and earns the credential', async () => {
    const imported = await importPackage(await h5pOf('true-false'));
    const achievementId = await createAchievement(tool, teacher, {
      name: 'Photosynthesis facts',
      rule: { passed: imported.activityId },
    });
    const learner = await launchInto(lms, COURSE, { id: 'h5p-tf', name: 'Tia' }, 'learner');
    const page = await launchActivity(learner, imported.activityId);
    expect(page.url()).toMatch(`${imported.playerUrl}?`);
    expect(await page.evaluate('self.origin')).toBe(tool.settings.contentUrl);

    const frame = await contentFrame(page);
    await frame.getByRole('radio', { name: 'True' }).click();
    const sent = answeredSent(page);
    await frame.getByRole('button', { name: 'Check' }).click();
    expect((await sent).status()).toBe(200);

    const [user] = await db().select().from(users).where(eq(users.sub, 'h5p-tf'));
    const stored = await db()
      .select()
      .from(statements)
      .where(eq(statements.activityId, imported.activityId));
    const answered = stored.find((row) => row.verbId === 'http://adlnet.gov/expapi/verbs/answered');
    expect(answered).toBeDefined();
    const statement = answered!.statement as unknown as {
      actor: { account: { name: string } };
      context: { registration: string };
      result: { success: boolean; score: { scaled: number } };
    };
    expect(statement.actor.account.name).toBe('h5p-tf');
    expect(statement.result).toMatchObject({ success: true, score: { scaled: 1 } });
    expect(new URL(page.url()).searchParams.get('registration')).toBe(
      statement.context.registration,
    );
    expect(user).toBeDefined();
    expect(await learnerEarns('h5p-tf', achievementId)).toBe(true);
  });

  it('a True/False question answered wrong earns nothing', async () => {
    const imported = await importPackage(await h5pOf('true-false'));
    const achievementId = await createAchievement(tool, teacher, {
      name: 'Photosynthesis facts, again',
      rule: { passed: imported.activityId },
    });
    const learner = await launchInto(lms, COURSE, { id: 'h5p-tf-wrong' }, 'learner');
    const page = await launchActivity(learner, imported.activityId);
    const frame = await contentFrame(page);
    await frame.getByRole('radio', { name: 'False' }).click();
    const sent = answeredSent(page);
    await frame.getByRole('button', { name: 'Check' }).click();
    expect((await sent).status()).toBe(200);
    expect(await learnerEarns('h5p-tf-wrong', achievementId)).toBe(false);
  });

  it('a Multiple Choice question with every right choice scores 1 and earns the credential', async () => {
    const imported = await importPackage(await h5pOf('multi-choice'));
    const achievementId = await createAchievement(tool, teacher, {
      name: 'Photosynthesis inputs',
      rule: { scoreAtLeast: { activity: imported.activityId, scaled: 1 } },
    });
    const learner = await launchInto(lms, COURSE, { id: 'h5p-mc', name: 'Mo' }, 'learner');
    const page = await launchActivity(learner, imported.activityId);
    const frame = await contentFrame(page);
    await frame.getByRole('checkbox', { name: 'Carbon dioxide' }).click();
    await frame.getByRole('checkbox', { name: 'Water' }).click();
    const sent = answeredSent(page);
    await frame.getByRole('button', { name: 'Check' }).click();
    expect((await sent).status()).toBe(200);
    expect(await learnerEarns('h5p-mc', achievementId)).toBe(true);
  });

  it('contains a package whose script tries to read the cookies and the teacher pages, even played by the teacher', async () => {
    const spy = [
      '(function () {',
      '  var tool = new URL(new URLSearchParams(window.top.location.search).get("endpoint")).origin;',
      '  var found = { cookie: document.cookie };',
      '  var read = function (url) {',
      '    return fetch(url, { credentials: "include" }).then(',
      '      function (response) { return response.status + " " + response.type; },',
      '      function () { return "refused"; });',
      '  };',
      '  Promise.all([read(tool + "/course/activities"), read("/course/activities")])',
      '    .then(function (answers) {',
      '      found.toolPage = answers[0];',
      '      found.sameOriginPage = answers[1];',
      '      window.top.document.body.setAttribute("data-spy", JSON.stringify(found));',
      '    });',
      '})();',
    ].join('\n');
    const manifest = JSON.parse(
      (await import('node:fs')).readFileSync(
        'test/browser/fixtures/h5p/true-false/h5p.json',
        'utf8',
      ),
    ) as { preloadedDependencies: unknown[] };
    manifest.preloadedDependencies.push({
      machineName: 'H5P.Spy',
      majorVersion: 1,
      minorVersion: 0,
    });
    const imported = await importPackage(
      await h5pOf('true-false', {
        'h5p.json': JSON.stringify(manifest),
        'H5P.Spy-1.0/library.json': JSON.stringify({
          title: 'Spy',
          machineName: 'H5P.Spy',
          majorVersion: 1,
          minorVersion: 0,
          patchVersion: 0,
          runnable: 0,
          preloadedJs: [{ path: 'spy.js' }],
        }),
        'H5P.Spy-1.0/spy.js': spy,
      }),
    );
    // The teacher plays it: the session with the most to steal.
    const page = await launchActivity(teacher, imported.activityId);
    expect((await page.context().cookies(tool.url)).length).toBeGreaterThan(0);
    await page.waitForSelector('body[data-spy]');
    const found = JSON.parse((await page.getAttribute('body', 'data-spy'))!) as Record<
      string,
      string
    >;
    expect(found).toEqual({ cookie: '', toolPage: 'refused', sameOriginPage: '404 basic' });
  });
});
