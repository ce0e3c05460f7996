/**
 * docs/content.md: the example AU of docs/examples/cmi5-au, hosted on an origin of its own,
 * launched from the tool's course in Chromium as a teacher would set it up, earns the learner
 * the credential whose rule asks for the AU to be satisfied.
 */
import { eq } from 'drizzle-orm';
import type { Browser as Chromium, Page } from 'playwright-core';
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

const SUITE = 'the example cmi5 AU of docs/content.md, in Chromium';

describeInBrowser(SUITE, () => {
  let tool: TestTool;
  let lms: TestLms;
  let closeWorld: () => Promise<void>;
  let content: { url: string; close(): Promise<void> };
  let chromium: Chromium;
  let teacher: Browser;

  beforeAll(async () => {
    ({ tool, lms, close: closeWorld } = await startToolWithLms());
    content = await startContentServer({
      '/au/': 'docs/examples/cmi5-au',
      '/lib-au/': 'test/browser/fixtures/xapi-cmi5-au',
      '/lib/': 'node_modules/@xapi/cmi5/dist',
    });
    chromium = await launchBrowser();
    teacher = await launchInto(lms, 'example-course', { id: 'ex-teacher' }, 'teacher');
  }, 120_000);
  afterAll(async () => {
    await chromium?.close();
    await content?.close();
    await closeWorld?.();
  });

  /** A teacher's AU by hand, with an achievement asking for it to be satisfied. */
  async function addAu(
    fields: Record<string, string>,
  ): Promise<{ auId: string; achievementId: string }> {
    const { html } = await getPage(teacher, `${tool.url}/course/cmi5`);
    const before = new Set(html.match(/au=[0-9a-f-]{36}/g) ?? []);
    const { response } = await postForm(teacher, `${tool.url}/course/cmi5/aus`, {
      _csrf: csrfTokenOf(html),
      launchMethod: 'AnyWindow',
      ...fields,
    });
    expect(response.status).toBe(303);
    const after = (await getPage(teacher, `${tool.url}/course/cmi5`)).html;
    const auId = (after.match(/au=[0-9a-f-]{36}/g) ?? []).find((id) => !before.has(id))!.slice(3);
    const achievementId = await createAchievement(tool, teacher, {
      name: fields.title!,
      rule: { satisfied: `${tool.url}/cmi5/aus/${auId}` },
    });
    return { auId, achievementId };
  }

  /** A Chromium page holding the learner's session of the course, opened from the LMS. */
  async function learnerPage(sub: string): Promise<Page> {
    const learner = await launchInto(lms, 'example-course', { id: sub, name: sub }, 'learner');
    return openSignedInPage(chromium, learner, tool.url);
  }

  async function awardsOf(sub: string, achievementId: string) {
    const db = tool.current().database.db;
    const [user] = await db.select().from(users).where(eq(users.sub, sub));
    const rows = await db.select().from(awards).where(eq(awards.achievementId, achievementId));
    return rows.filter((row) => row.userId === user!.id);
  }

  it('starts, records a pass and a completion, exits to the course page and earns the credential', async () => {
    const { auId, achievementId } = await addAu({
      title: 'Photosynthesis check',
      url: `${content.url}/au/index.html`,
      moveOn: 'CompletedAndPassed',
      masteryScore: '80',
    });
    const page = await learnerPage('ex-learner');
    await page.goto(`${tool.url}/course/cmi5/launch?au=${auId}`);
    await page.getByRole('status').filter({ hasText: 'Answer the question.' }).waitFor();
    expect(new URL(page.url()).origin).toBe(content.url);
    await page.getByLabel('Carbon dioxide').check();
    await page.getByRole('button', { name: 'Submit' }).click();
    await page.getByRole('status').filter({ hasText: 'Correct.' }).waitFor();
    await page.getByRole('button', { name: 'Exit' }).click();
    await page.waitForURL(`${tool.url}/course`);
    await tool.current().outbox.drain();
    expect(await awardsOf('ex-learner', achievementId)).toHaveLength(1);
    await page.context().close();
  });

  it('earns nothing with a wrong answer: failed and completed do not meet CompletedAndPassed', async () => {
    const { auId, achievementId } = await addAu({
      title: 'Photosynthesis retry',
      url: `${content.url}/au/index.html`,
      moveOn: 'CompletedAndPassed',
      masteryScore: '80',
    });
    const page = await learnerPage('ex-learner-2');
    await page.goto(`${tool.url}/course/cmi5/launch?au=${auId}`);
    await page.getByLabel('Oxygen').check();
    await page.getByRole('button', { name: 'Submit' }).click();
    await page.getByRole('status').filter({ hasText: 'Not quite.' }).waitFor();
    await tool.current().outbox.drain();
    expect(await awardsOf('ex-learner-2', achievementId)).toHaveLength(0);
    await page.context().close();
  });

  it('works with an AU built on the npm library @xapi/cmi5 (pass, complete, terminate)', async () => {
    const { auId, achievementId } = await addAu({
      title: 'Library AU',
      url: `${content.url}/lib-au/index.html`,
      moveOn: 'CompletedAndPassed',
      masteryScore: '80',
    });
    const page = await learnerPage('ex-learner-3');
    await page.goto(`${tool.url}/course/cmi5/launch?au=${auId}`);
    await page.waitForURL(`${tool.url}/course`);
    await tool.current().outbox.drain();
    expect(await awardsOf('ex-learner-3', achievementId)).toHaveLength(1);
    await page.context().close();
  });
});
