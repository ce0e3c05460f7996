/**
 * Issue #16, item 5: content opened from the tool inside the LMS frame does not replace the
 * course there. Asked from the frame, the activity's launch keeps the course in the frame with
 * a link that opens the content in a new window (its launch in the link, a visible "opens in a
 * new window") and a link back to the course. The LMS page is played by a page of the tool's
 * own origin that frames the course, as an LMS does.
 */
import type { Browser as Chromium, FrameLocator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { upsertCourseActivity } from '../../src/awards/course-activities.js';
import { courses } from '../../src/db/schema.js';
import { createTranslations, type Locale } from '../../src/web/i18n.js';
import {
  describeInBrowser,
  launchBrowser,
  openSignedInPage,
  VIEWPORTS,
  type Viewport,
} from '../support/browser.js';
import type { Browser } from '../support/http-client.js';
import type { TestLms } from '../support/test-lms.js';
import type { TestTool } from '../support/test-tool.js';
import { startToolWithLms } from '../support/tool-with-lms.js';
import { createAchievement, launchInto } from '../web/teacher-course-world.js';

const COURSE = 'content-in-frame-course';
const QUIZ = 'https://alliance.example.eu/modules/energy-quiz';
const CONTENT_URL = 'https://content.example.eu/energy-quiz/index.html';
const LMS_PAGE = '/test-lms-course-page';

describeInBrowser('content opened from the course in the LMS frame', () => {
  let tool: TestTool;
  let lms: TestLms;
  let close: () => Promise<void>;
  let chromium: Chromium;
  let learner: Browser;
  const { translator } = createTranslations();

  beforeAll(async () => {
    ({ tool, lms, close } = await startToolWithLms());
    chromium = await launchBrowser();
    const teacher = await launchInto(lms, COURSE, { id: 'frame-teacher' }, 'teacher');
    const { db } = tool.current().database;
    const [course] = await db.select().from(courses);
    await upsertCourseActivity(db, course!.id, {
      activityId: QUIZ,
      name: 'Energy quiz',
      names: {},
      launchUrl: CONTENT_URL,
      tags: {},
    });
    await createAchievement(tool, teacher, { name: 'Energy basics', rule: { passed: QUIZ } });
    learner = await launchInto(lms, COURSE, { id: 'frame-learner', name: 'Lea' }, 'learner');
  }, 120_000);
  afterAll(async () => {
    await chromium?.close();
    await close?.();
  });

  /** The LMS's course page, with the tool's course page in its frame, in `locale`. */
  const openCourseInFrame = async (locale: Locale, viewport: Viewport = VIEWPORTS.desktop) => {
    const page = await openSignedInPage(chromium, learner, tool.url, viewport);
    const context = page.context();
    await context.route(`${tool.url}${LMS_PAGE}`, (route) =>
      route.fulfill({
        contentType: 'text/html',
        body: `<!doctype html><title>LMS</title><iframe title="microcred" src="/course?lang=${locale}" style="width:100%;height:700px"></iframe>`,
      }),
    );
    await context.route('https://content.example.eu/**', (route) =>
      route.fulfill({
        contentType: 'text/html',
        body: '<!doctype html><title>Quiz</title><h1>Quiz</h1>',
      }),
    );
    await page.goto(`${tool.url}${LMS_PAGE}`);
    return { page, frame: page.frameLocator('iframe') };
  };

  /** Checks the frame shows the course again, and the LMS page is still the top window. */
  const expectCourseInFrame = async (page: Page, frame: FrameLocator) => {
    await frame.locator('.learner-content').waitFor();
    expect(new URL(page.url()).pathname).toBe(LMS_PAGE);
  };

  for (const locale of ['en', 'de', 'fi'] as const) {
    it(`opens the activity in a new window and keeps the course in the frame (${locale})`, async () => {
      const t = translator(locale);
      const { page, frame } = await openCourseInFrame(locale);
      await frame.locator('.learner-content a', { hasText: 'Energy quiz' }).click();

      const open = frame.locator('a.content-window-open');
      await open.waitFor();
      expect(new URL(page.url()).pathname).toBe(LMS_PAGE);
      expect(await open.getAttribute('target')).toBe('_blank');
      expect(await open.getAttribute('rel')).toBe('noopener');
      expect(await open.getAttribute('href')).toMatch(
        /^https:\/\/content\.example\.eu\/.*endpoint=/,
      );
      const hint = open.locator('.new-window-hint');
      expect(await hint.isVisible()).toBe(true);
      expect(await hint.innerText()).toBe(t('learner:newWindow'));

      const [content] = await Promise.all([page.context().waitForEvent('page'), open.click()]);
      await content.waitForLoadState();
      expect(content.url().startsWith(`${CONTENT_URL}?`)).toBe(true);
      expect(new URL(page.url()).pathname).toBe(LMS_PAGE);

      const back = frame.locator('a.content-window-back');
      expect(await back.innerText()).toBe(t('learner:contentWindow.back'));
      await back.click();
      await expectCourseInFrame(page, frame);
      await page.context().close();
    });
  }

  it('does the same from the Start link of a condition, on a phone', async () => {
    const { page, frame } = await openCourseInFrame('en', VIEWPORTS.phone);
    await frame.locator('.conditions a.launch').click();
    const open = frame.locator('a.content-window-open');
    await open.waitFor();
    expect(await open.getAttribute('target')).toBe('_blank');
    expect(new URL(page.url()).pathname).toBe(LMS_PAGE);
    await frame.locator('a.content-window-back').click();
    await expectCourseInFrame(page, frame);
    await page.context().close();
  });

  it('still opens the content at once where the course is a window of its own', async () => {
    const page = await openSignedInPage(chromium, learner, tool.url);
    await page
      .context()
      .route('https://content.example.eu/**', (route) =>
        route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>Quiz</title>' }),
      );
    await page.goto(`${tool.url}/course`);
    await page.locator('.learner-content a', { hasText: 'Energy quiz' }).click();
    await page.waitForURL((url) => url.href.startsWith(`${CONTENT_URL}?`));
    await page.context().close();
  });
});
