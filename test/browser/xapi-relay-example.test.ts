/**
 * docs/content.md, section 6: the example of docs/examples/xapi-relay, page-only xAPI content
 * hosted on an origin of its own, reports through the tool's relay (public/xapi-relay.js) under
 * the launch and earns the learner the credential whose rule asks for the activity to be passed.
 */
import { eq } from 'drizzle-orm';
import type { Browser as Chromium } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { awards, users } from '../../src/db/schema.js';
import { describeInBrowser, launchBrowser, openSignedInPage } from '../support/browser.js';
import { startContentServer } from '../support/content-server.js';
import type { Browser } from '../support/http-client.js';
import type { TestLms } from '../support/test-lms.js';
import type { TestTool } from '../support/test-tool.js';
import { startToolWithLms } from '../support/tool-with-lms.js';
import {
  createAchievement,
  csrfTokenOf,
  getPage,
  launchInto,
  postForm,
} from '../web/teacher-course-world.js';

const COURSE = 'relay-course';
const SUITE = 'the relay example of docs/content.md, hosted elsewhere, in Chromium';

describeInBrowser(SUITE, () => {
  let tool: TestTool;
  let lms: TestLms;
  let closeWorld: () => Promise<void>;
  let content: { url: string; close(): Promise<void> };
  let chromium: Chromium;
  let teacher: Browser;

  beforeAll(async () => {
    ({ tool, lms, close: closeWorld } = await startToolWithLms());
    content = await startContentServer({ '/relay/': 'docs/examples/xapi-relay' });
    chromium = await launchBrowser();
    teacher = await launchInto(lms, COURSE, { id: 'relay-teacher' }, 'teacher');
  }, 120_000);
  afterAll(async () => {
    await chromium?.close();
    await content?.close();
    await closeWorld?.();
  });

  it('relays the page’s own statement under the launch and earns the credential', async () => {
    const activityId = 'https://example.org/activities/relay-quiz';
    const { html } = await getPage(teacher, `${tool.url}/course/activities`);
    const { response } = await postForm(teacher, `${tool.url}/course/activities`, {
      _csrf: csrfTokenOf(html),
      activityId,
      name: 'Relay quiz',
      launchUrl: `${content.url}/relay/index.html`,
    });
    expect(response.status).toBe(303);
    const achievementId = await createAchievement(tool, teacher, {
      name: 'Photosynthesis output',
      rule: { passed: activityId },
    });

    const learner = await launchInto(lms, COURSE, { id: 'relay-learner' }, 'learner');
    const page = await openSignedInPage(chromium, learner, tool.url);
    await page.goto(
      `${tool.url}/course/activities/launch?activity=${encodeURIComponent(activityId)}`,
    );
    await page.getByRole('status').filter({ hasText: 'Answer the question.' }).waitFor();
    expect(new URL(page.url()).origin).toBe(content.url);
    await page.getByLabel('Oxygen').check();
    await page.getByRole('button', { name: 'Submit' }).click();
    await page.getByRole('status').filter({ hasText: 'Correct.' }).waitFor();

    await tool.current().outbox.drain();
    const db = tool.current().database.db;
    const [user] = await db.select().from(users).where(eq(users.sub, 'relay-learner'));
    const earned = await db.select().from(awards).where(eq(awards.achievementId, achievementId));
    expect(earned.filter((row) => row.userId === user!.id)).toHaveLength(1);
  });
});
