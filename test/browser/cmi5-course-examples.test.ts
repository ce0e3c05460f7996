/**
 * CATAPULT's course examples (single AU, mastery score, multi AU, pre/post test) as cmi5
 * packages of our own pages (fixtures/cmi5-course-examples) on the cmi5 AU runtime those
 * examples ship, `@rusticisoftware/cmi5` from npm: imported into the course, launched by a
 * learner from the tool's launch link in Chromium, and earning the credential whose rule asks
 * for what cmi5 says (the course satisfied, an AU passed).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { eq } from 'drizzle-orm';
import type { Browser as Chromium, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { awards, users } from '../../src/db/schema.js';
import { describeInBrowser, launchBrowser, openSignedInPage } from '../support/browser.js';
import { courseXml, zipOf, type AuSpec, type BlockSpec } from '../support/cmi5-packages.js';
import type { Browser } from '../support/http-client.js';
import type { TestLms } from '../support/test-lms.js';
import type { TestTool } from '../support/test-tool.js';
import { startToolWithLms } from '../support/tool-with-lms.js';
import { createAchievement, launchInto } from '../web/teacher-course-world.js';

const COURSE = 'cmi5-course-examples';
const BASE = 'https://example.org/cmi5/catapult-style';
const FIXTURES = new URL('./fixtures/cmi5-course-examples/', import.meta.url);
const CMI5_JS = createRequire(import.meta.url).resolve('@rusticisoftware/cmi5');

const SUITE = "CATAPULT's course examples on cmi5.js, launched from the course in Chromium";

interface Imported {
  courseActivityId: string;
  aus: { activityId: string }[];
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
    teacher = await launchInto(lms, COURSE, { id: 'ex-teacher' }, 'teacher');
  }, 120_000);
  afterAll(async () => {
    await chromium?.close();
    await closeWorld?.();
  });

  async function importExample(name: string, children: (AuSpec | BlockSpec)[]) {
    const fixture = (file: string) => readFileSync(new URL(file, FIXTURES));
    const zip = await zipOf({
      'cmi5.xml': courseXml({ courseId: `${BASE}/${name}`, title: name, children }),
      'lesson.html': fixture('lesson.html'),
      'quiz.html': fixture('quiz.html'),
      'au.js': fixture('au.js'),
      'cmi5.js': readFileSync(CMI5_JS),
    });
    const { response } = await teacher.request(`${tool.url}/api/cmi5/packages`, {
      method: 'POST',
      headers: { 'content-type': 'application/zip' },
      body: zip,
    });
    expect(response.status).toBe(201);
    return ((await response.json()) as { package: Imported }).package;
  }

  async function learnerPage(sub: string): Promise<Page> {
    const learner = await launchInto(lms, COURSE, { id: sub, name: sub }, 'learner');
    return openSignedInPage(chromium, learner, tool.url);
  }

  async function play(page: Page, activityId: string, steps: (page: Page) => Promise<void>) {
    const auId = activityId.split('/').pop()!;
    await page.goto(`${tool.url}/course/cmi5/launch?au=${auId}`);
    await page.getByRole('button', { name: 'Exit' }).waitFor();
    await steps(page);
    await page.getByRole('button', { name: 'Exit' }).click();
    await page.waitForURL(`${tool.url}/course`);
    await tool.current().outbox.drain();
  }

  const readLesson = async (page: Page) => {
    await page.getByRole('button', { name: 'I have read this' }).click();
    await page.getByRole('status').filter({ hasText: 'Lesson completed.' }).waitFor();
  };
  const answerQuiz = (right: number) => async (page: Page) => {
    const answers = ['Igneous', 'Sedimentary', 'Mantle', 'Tectonic plates', 'Quartz'];
    const wrong = ['Sedimentary', 'Igneous', 'Core', 'Tides', 'Granite'];
    for (const [index, group] of (await page.getByRole('group').all()).entries()) {
      await group.getByLabel(index < right ? answers[index]! : wrong[index]!).check();
    }
    await page.getByRole('button', { name: 'Submit' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /^(Passed|Failed) with/ })
      .waitFor();
  };

  async function awardsOf(sub: string, achievementId: string) {
    const db = tool.current().database.db;
    const [user] = await db.select().from(users).where(eq(users.sub, sub));
    const rows = await db.select().from(awards).where(eq(awards.achievementId, achievementId));
    return rows.filter((row) => row.userId === user!.id);
  }

  it('single AU: completing the lesson satisfies the course (moveOn CompletedOrPassed)', async () => {
    const example = await importExample('single-au', [
      {
        id: `${BASE}/single-au/lesson`,
        url: 'lesson.html',
        attributes: 'moveOn="CompletedOrPassed"',
      },
    ]);
    const achievementId = await createAchievement(tool, teacher, {
      name: 'Geology: single AU',
      rule: { satisfied: example.courseActivityId },
    });
    const page = await learnerPage('ex-single');
    await play(page, example.aus[0]!.activityId, readLesson);
    expect(await awardsOf('ex-single', achievementId)).toHaveLength(1);
  });

  it('mastery score: 3 of 5 fails against 0.8, a later 4 of 5 passes and earns (moveOn Passed)', async () => {
    const example = await importExample('mastery-score', [
      {
        id: `${BASE}/mastery-score/quiz`,
        url: 'quiz.html',
        attributes: 'moveOn="Passed" masteryScore="0.8"',
      },
    ]);
    const quiz = example.aus[0]!.activityId;
    const achievementId = await createAchievement(tool, teacher, {
      name: 'Geology: mastery',
      rule: { satisfied: example.courseActivityId },
    });
    const page = await learnerPage('ex-mastery');
    await play(page, quiz, answerQuiz(3));
    expect(await awardsOf('ex-mastery', achievementId)).toHaveLength(0);
    await play(page, quiz, answerQuiz(4));
    expect(await awardsOf('ex-mastery', achievementId)).toHaveLength(1);
  });

  it('multi AU: the course is satisfied only once both lessons are completed', async () => {
    const example = await importExample('multi-au', [
      {
        id: `${BASE}/multi-au/block`,
        title: 'Geology basics',
        children: [
          {
            id: `${BASE}/multi-au/rocks`,
            url: 'lesson.html?part=1',
            attributes: 'moveOn="Completed"',
          },
          {
            id: `${BASE}/multi-au/plates`,
            url: 'lesson.html?part=2',
            attributes: 'moveOn="Completed"',
          },
        ],
      },
    ]);
    const achievementId = await createAchievement(tool, teacher, {
      name: 'Geology: multi AU',
      rule: { satisfied: example.courseActivityId },
    });
    const page = await learnerPage('ex-multi');
    await play(page, example.aus[0]!.activityId, readLesson);
    expect(await awardsOf('ex-multi', achievementId)).toHaveLength(0);
    await play(page, example.aus[1]!.activityId, readLesson);
    expect(await awardsOf('ex-multi', achievementId)).toHaveLength(1);
  });

  it('pre/post test: a failed pre-test, the lesson and a passed post-test earn the credential', async () => {
    const example = await importExample('pre-post-test', [
      {
        id: `${BASE}/pre-post-test/block`,
        title: 'Geology with tests',
        children: [
          {
            id: `${BASE}/pre-post-test/pre`,
            url: 'quiz.html?test=pre',
            attributes: 'moveOn="Passed"',
          },
          {
            id: `${BASE}/pre-post-test/content`,
            url: 'lesson.html',
            attributes: 'moveOn="CompletedOrPassed"',
          },
          {
            id: `${BASE}/pre-post-test/post`,
            url: 'quiz.html?test=post',
            attributes: 'moveOn="Passed" masteryScore="0.6"',
          },
        ],
      },
    ]);
    const [pre, content, post] = example.aus.map((au) => au.activityId);
    const achievementId = await createAchievement(tool, teacher, {
      name: 'Geology: pre/post test',
      rule: { allOf: [{ satisfied: content! }, { passed: post! }] },
    });
    const page = await learnerPage('ex-prepost');
    await play(page, pre!, answerQuiz(1));
    await play(page, content!, readLesson);
    expect(await awardsOf('ex-prepost', achievementId)).toHaveLength(0);
    await play(page, post!, answerQuiz(3));
    expect(await awardsOf('ex-prepost', achievementId)).toHaveLength(1);
  });
});
