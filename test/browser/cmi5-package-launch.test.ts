/**
 * A cmi5 package imported as a zip plays from the tool's sandboxed content path: the example
 * AU of docs/examples/cmi5-au, zipped by this test with a cmi5.xml of its own, runs in an
 * opaque origin (no cookies, no storage) and still fetches its token, reads LMS.LaunchData,
 * sends its statements and earns the learner the credential whose rule asks for the AU to be
 * satisfied with the package's moveOn and masteryScore.
 */
import { readFileSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import type { Browser as Chromium } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { awards, users } from '../../src/db/schema.js';
import { describeInBrowser, launchBrowser, openSignedInPage } from '../support/browser.js';
import { courseXml, zipOf } from '../support/cmi5-packages.js';
import type { Browser } from '../support/http-client.js';
import type { TestLms } from '../support/test-lms.js';
import type { TestTool } from '../support/test-tool.js';
import { startToolWithLms } from '../support/tool-with-lms.js';
import { createAchievement, launchInto } from '../web/teacher-course-world.js';

const COURSE = 'cmi5-package-course';
const BASE = 'https://example.org/cmi5/package-launch';

const SUITE = 'an imported cmi5 package, launched from the course in Chromium';

describeInBrowser(SUITE, () => {
  let tool: TestTool;
  let lms: TestLms;
  let closeWorld: () => Promise<void>;
  let chromium: Chromium;
  let teacher: Browser;

  beforeAll(async () => {
    ({ tool, lms, close: closeWorld } = await startToolWithLms());
    chromium = await launchBrowser();
    teacher = await launchInto(lms, COURSE, { id: 'pkg-teacher' }, 'teacher');
  }, 120_000);
  afterAll(async () => {
    await chromium?.close();
    await closeWorld?.();
  });

  it('runs sandboxed from the package, passes with the mastery score and earns the credential', async () => {
    const example = (file: string) => readFileSync(`docs/examples/cmi5-au/${file}`);
    const zip = await zipOf({
      'cmi5.xml': courseXml({
        courseId: `${BASE}/course`,
        children: [
          {
            id: `${BASE}/au/photosynthesis`,
            url: 'au/index.html',
            title: 'Photosynthesis check',
            attributes: 'moveOn="CompletedAndPassed" masteryScore="0.8"',
          },
        ],
      }),
      'au/index.html': example('index.html'),
      'au/au.js': example('au.js'),
    });
    const { response } = await teacher.request(`${tool.url}/api/cmi5/packages`, {
      method: 'POST',
      headers: { 'content-type': 'application/zip' },
      body: zip,
    });
    expect(response.status).toBe(201);
    const { package: imported } = (await response.json()) as {
      package: { id: string; aus: { activityId: string }[] };
    };
    const activityId = imported.aus[0]!.activityId;
    const auId = activityId.split('/').pop()!;
    const achievementId = await createAchievement(tool, teacher, {
      name: 'Photosynthesis',
      rule: { satisfied: activityId },
    });

    const learner = await launchInto(lms, COURSE, { id: 'pkg-learner', name: 'Pia' }, 'learner');
    const page = await openSignedInPage(chromium, learner, tool.url);
    await page.goto(`${tool.url}/course/cmi5/launch?au=${auId}`);
    await page.getByRole('status').filter({ hasText: 'Answer the question.' }).waitFor();
    expect(page.url()).toMatch(`${tool.url}/content/cmi5/${imported.id}/au/index.html?`);
    expect(await page.evaluate('self.origin')).toBe('null');
    await page.getByLabel('Carbon dioxide').check();
    await page.getByRole('button', { name: 'Submit' }).click();
    await page.getByRole('status').filter({ hasText: 'Correct.' }).waitFor();
    await page.getByRole('button', { name: 'Exit' }).click();
    await page.waitForURL(`${tool.url}/course`);
    await tool.current().outbox.drain();

    const db = tool.current().database.db;
    const [user] = await db.select().from(users).where(eq(users.sub, 'pkg-learner'));
    const earned = await db.select().from(awards).where(eq(awards.achievementId, achievementId));
    expect(earned.filter((row) => row.userId === user!.id)).toHaveLength(1);
  });
});
