import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { upsertCourseActivity } from '../../src/awards/course-activities.js';
import { awards } from '../../src/db/schema.js';
import type { Browser } from '../support/http-client.js';
import {
  createAchievementAs,
  startCourseWorld,
  type CourseWorld,
  type WorldPlatform,
} from '../support/course-world.js';
import { createTestTls, trustInThisProcess } from '../support/test-tls.js';

const QUIZ = 'https://example.org/sustainability/quiz';
const EXAM = 'https://example.org/sustainability/exam';
const PILLARS = {
  environmental: 'https://example.org/sustainability/climate',
  social: 'https://example.org/sustainability/fair-work',
  economic: 'https://example.org/sustainability/circular-business',
};
const CAPSTONE = 'https://example.org/sustainability/capstone';

const FOUNDATIONS = {
  name: 'Sustainability foundations',
  description: 'Explains the three pillars of sustainability.',
  criteria: 'Pass the quiz, score 80% in the exam, complete two pillars.',
  ects: 2,
  eqfLevel: 5,
  eu: { workloadHours: 50 },
  rule: {
    allOf: [
      { passed: QUIZ },
      { scoreAtLeast: { activity: EXAM, scaled: 0.8 } },
      {
        distinctGroupsAtLeast: {
          n: 2,
          tag: 'pillar',
          of: Object.values(PILLARS).map((activity) => ({ completed: activity })),
        },
      },
    ],
  },
};

/** The `<li>` of the condition whose text contains `text`, up to its first nested list. */
function conditionItem(html: string, text: string): string {
  const at = html.indexOf(text);
  expect(at, `condition "${text}" on the page`).toBeGreaterThan(-1);
  const start = html.lastIndexOf('<li class="condition', at);
  const nested = html.indexOf('<ul', at);
  const end = html.indexOf('</li>', at);
  return html.slice(start, nested !== -1 && nested < end ? nested : end);
}

/** The `<article>` of the achievement named `name`. */
function achievementArticle(html: string, name: string): string {
  const heading = html.indexOf(`>${name}</h2>`);
  expect(heading, `achievement "${name}" on the page`).toBeGreaterThan(-1);
  return html.slice(html.lastIndexOf('<article', heading), html.indexOf('</article>', heading));
}

const decode = (text: string) =>
  text
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'");

describe('the learner page: GET /course for a learner', () => {
  let world: CourseWorld;
  let registered: WorldPlatform;
  let learner: Browser;
  let teacher: Browser;
  let foundationsId: string;

  const page = async (browser: Browser = learner) => {
    const { response } = await browser.request(`${world.tool.url}/course`);
    expect(response.status).toBe(200);
    return response.text();
  };

  beforeAll(async () => {
    // Served over https, as a tool must be for wallet hand-offs to be offered.
    const tls = await createTestTls();
    trustInThisProcess(tls);
    world = await startCourseWorld({ tls });
    registered = await world.platform('registered');
    teacher = await registered.launch({ id: 'teacher-1', name: 'Grace Hopper' }, 'teacher');
    const courseId = await registered.courseId();
    const { db } = world.tool.current().database;
    await upsertCourseActivity(db, courseId, {
      activityId: QUIZ,
      name: 'Final quiz',
      names: { de: 'Abschlusstest' },
      launchUrl: 'https://content.example.org/quiz/index.html',
      tags: {},
    });
    await upsertCourseActivity(db, courseId, {
      activityId: EXAM,
      name: 'Final exam',
      names: {},
      launchUrl: 'https://content.example.org/exam/index.html',
      tags: {},
    });
    for (const [pillar, activity] of Object.entries(PILLARS)) {
      await upsertCourseActivity(db, courseId, {
        activityId: activity,
        name: `Module ${pillar}`,
        names: {},
        launchUrl: null,
        tags: { pillar },
      });
    }
    foundationsId = await createAchievementAs(teacher, world.tool.url, FOUNDATIONS);
    await createAchievementAs(teacher, world.tool.url, {
      name: 'Sustainability track',
      description: 'Foundations or the capstone project.',
      criteria: 'Earn the foundations or pass the capstone.',
      ects: null,
      eqfLevel: null,
      rule: { atLeast: { n: 1, of: [{ earned: foundationsId }, { passed: CAPSTONE }] } },
    });
    learner = await registered.launch(
      { id: 'learner-1', name: 'Ada Lovelace', email: 'ada@example.org' },
      'learner',
    );
    await registered.send('learner-1', [
      { activity: QUIZ, verb: 'passed', scaled: 0.9 },
      { activity: EXAM, verb: 'scored', scaled: 0.5 },
      { activity: PILLARS.environmental, verb: 'completed' },
    ]);
  }, 120_000);
  afterAll(() => world?.close());

  describe('before the credential is earned', () => {
    let html: string;
    beforeAll(async () => {
      html = await page();
    });

    it('marks a met condition done, in plain words with the activity name', () => {
      const quiz = conditionItem(html, 'Pass “Final quiz”');
      expect(quiz).toContain('condition met');
      expect(quiz).toContain('Done');
    });

    it('says what is missing of a score condition and the best score so far', () => {
      const exam = conditionItem(html, 'Score at least 80 % in “Final exam”');
      expect(exam).toContain('condition missing');
      expect(exam).toContain('Not done yet');
      expect(exam).toContain('Your best score so far: 50 %');
    });

    it('counts a group rule and names the groups covered', () => {
      const groups = conditionItem(
        html,
        'At least 2 of these, from at least 2 different groups of “pillar” (1 done)',
      );
      expect(groups).toContain('Groups covered so far: environmental');
      expect(html).toContain('All of these (1 of 3 done)');
    });

    it('explains a stacked achievement and an N-of rule', () => {
      expect(html).toContain('At least 1 of these 2 (0 done)');
      expect(conditionItem(html, 'Earn the credential “Sustainability foundations”')).toContain(
        'condition missing',
      );
    });

    it('links the content to launch, in the list and at the missing condition', () => {
      const examLaunch = `/course/activities/launch?activity=${encodeURIComponent(EXAM)}`;
      expect(conditionItem(html, 'Score at least 80 %')).toContain(`href="${examLaunch}"`);
      expect(html).toContain(
        `href="/course/activities/launch?activity=${encodeURIComponent(QUIZ)}">Final quiz</a>`,
      );
      expect(html).not.toContain(encodeURIComponent(PILLARS.social));
    });

    it('states the ECTS, the EQF level and the workload, and which form is earned', () => {
      expect(html).toContain('Micro-credential worth 2 ECTS credits');
      expect(html).toContain('EQF level 5');
      expect(html).toContain('About 50 hours of work');
      expect(html).toContain('Badge (no ECTS credits)');
    });

    it('offers no download before the credential exists', () => {
      expect(html).not.toContain('/credentials/');
    });
  });

  describe('once the credential is earned', () => {
    let html: string;
    let credentialUrl: string;

    beforeAll(async () => {
      await registered.send('learner-1', [
        { activity: EXAM, verb: 'scored', scaled: 0.9 },
        { activity: PILLARS.social, verb: 'completed' },
      ]);
      html = await page();
      const id = /\/credentials\/([0-9a-f-]{36})/.exec(html)?.[1];
      expect(id).toBeDefined();
      credentialUrl = `${world.tool.url}/credentials/${id}`;
    }, 30_000);

    it('shows it earned with links to the JSON, JWT, PNG and SVG forms', async () => {
      expect(html).toContain('Earned on');
      for (const format of ['json', 'jwt', 'png', 'svg']) {
        expect(html).toContain(`href="${credentialUrl}.${format}"`);
        const response = await fetch(`${credentialUrl}.${format}`);
        expect(response.status, format).toBe(200);
      }
    });

    it('shows the public link and a QR code image of it with a text alternative', () => {
      expect(html).toContain(
        `<a href="${credentialUrl}" target="_blank" rel="noopener">Open its public page<span class="visually-hidden"> (opens in a new window)</span></a>`,
      );
      const img = /<img src="data:image\/svg\+xml;base64,([^"]+)"[^>]*alt="([^"]+)"/.exec(html);
      expect(img).not.toBeNull();
      expect(Buffer.from(img?.[1] ?? '', 'base64').toString('utf8')).toMatch(/^<svg[^>]*>.*<path/s);
      expect(decode(img?.[2] ?? '')).toBe(`QR code of the public link ${credentialUrl}`);
    });

    it('links to LinkedIn’s add-certification form with the credential filled in', () => {
      const href = /href="(https:\/\/www\.linkedin\.com\/profile\/add\?[^"]+)"/.exec(html)?.[1];
      expect(href).toBeDefined();
      const parameters = new URL(decode(href ?? '')).searchParams;
      const now = new Date();
      expect(Object.fromEntries(parameters)).toEqual({
        startTask: 'CERTIFICATION_NAME',
        name: 'Sustainability foundations',
        organizationName: 'University of Example',
        issueYear: String(now.getUTCFullYear()),
        issueMonth: String(now.getUTCMonth() + 1),
        certUrl: credentialUrl,
        certId: credentialUrl.split('/').at(-1),
      });
    });

    it('offers to send the credential to a wallet, or to add it from a downloaded file', () => {
      expect(html).toContain('Keep it in a credential wallet');
      expect(html).toContain(
        `action="/course/credentials/${credentialUrl.split('/').at(-1)}/wallet"`,
      );
      expect(html).toContain('Or add it to a wallet from a file');
    });

    it('offers the European Learning Model export of the credential', () => {
      expect(html).toContain(`href="${credentialUrl}/elm"`);
    });

    it('marks the stacked achievement done once the credential it stacks is held', () => {
      expect(conditionItem(html, 'Earn the credential “Sustainability foundations”')).toContain(
        'condition met',
      );
    });
  });

  describe('after the teacher publishes version 2 of an achievement the learner holds', () => {
    let article: string;
    let credentialUrl: string;

    beforeAll(async () => {
      credentialUrl = /href="([^"]+\/credentials\/[0-9a-f-]{36})"/.exec(
        achievementArticle(await page(), 'Sustainability foundations'),
      )?.[1] as string;
      const stricter = structuredClone(FOUNDATIONS);
      stricter.rule.allOf[1] = { scoreAtLeast: { activity: EXAM, scaled: 0.95 } };
      const { response } = await teacher.request(
        `${world.tool.url}/api/achievements/${foundationsId}`,
        {
          method: 'PATCH',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(stricter),
        },
      );
      expect(response.status).toBe(200);
      expect(((await response.json()) as { version: number }).version).toBe(2);
      article = achievementArticle(await page(), 'Sustainability foundations');
    }, 30_000);

    it('still shows the version-1 credential as earned, noting that a newer version exists', () => {
      expect(article).toMatch(/Earned on [^<]+ \(version 1\)\. A newer version/);
      expect(article).toMatch(/Your credential, version 1, earned on [^<]*\d{4}/);
      expect(article).not.toContain('Not earned yet');
    });

    it('keeps its downloads and wallet hand-offs working', async () => {
      for (const format of ['json', 'jwt', 'png', 'svg']) {
        expect(article).toContain(`href="${credentialUrl}.${format}"`);
        const response = await fetch(`${credentialUrl}.${format}`);
        expect(response.status, format).toBe(200);
      }
      expect(article).toContain(
        `action="/course/credentials/${credentialUrl.split('/').at(-1)}/wallet"`,
      );
    });

    it('explains the conditions of the current version', () => {
      expect(article).toContain('Score at least 95 % in “Final exam”');
    });
  });

  describe('once the teacher revokes the credential', () => {
    let article: string;
    let awardId: string;

    beforeAll(async () => {
      awardId = /\/credentials\/([0-9a-f-]{36})/.exec(
        achievementArticle(await page(), 'Sustainability foundations'),
      )?.[1] as string;
      const { response } = await teacher.request(
        `${world.tool.url}/api/credentials/${awardId}/revoke`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ reason: 'The exam was taken by someone else' }),
        },
      );
      expect(response.status).toBe(200);
      article = achievementArticle(await page(), 'Sustainability foundations');
    }, 30_000);

    it('shows it as revoked with the reason, and still lists it', () => {
      expect(article).toContain('status status-revoked');
      expect(article).toContain('Reason given: The exam was taken by someone else');
      expect(article).toContain(`/credentials/${awardId}`);
    });

    it('offers no wallet hand-off and no LinkedIn button for it', () => {
      expect(article).not.toContain(`/course/credentials/${awardId}/wallet`);
      expect(article).not.toContain('linkedin.com');
    });
  });

  it('marks a credential past its validUntil as expired, still with its downloads', async () => {
    const learner3 = await registered.launch(
      { id: 'learner-3', name: 'Mary Somerville' },
      'learner',
    );
    await registered.send('learner-3', [
      { activity: QUIZ, verb: 'passed', scaled: 0.9 },
      { activity: EXAM, verb: 'scored', scaled: 0.97 },
      { activity: PILLARS.environmental, verb: 'completed' },
      { activity: PILLARS.social, verb: 'completed' },
    ]);
    const awardId = /\/credentials\/([0-9a-f-]{36})/.exec(
      achievementArticle(await page(learner3), 'Sustainability foundations'),
    )?.[1] as string;
    // The issuer sets no validity period today; a credential that carries one is shown expired after it.
    const { db } = world.tool.current().database;
    const [award] = await db.select().from(awards).where(eq(awards.id, awardId));
    await db
      .update(awards)
      .set({ credential: { ...award?.credential, validUntil: '2020-01-01T00:00:00Z' } })
      .where(eq(awards.id, awardId));

    const article = achievementArticle(await page(learner3), 'Sustainability foundations');
    expect(article).toContain('status status-expired');
    expect(article).toMatch(/This credential expired on [^<]*2020/);
    expect(article).toContain(`/credentials/${awardId}.json`);
    expect(article).not.toContain('Not earned yet');
  }, 60_000);

  it('speaks German to a learner launched in German, with the activity names in German', async () => {
    const german = await registered.launch({ id: 'learner-2', name: 'Emmy Noether' }, 'learner', {
      locale: 'de-DE',
    });
    const html = await page(german);
    expect(html).toContain('<html lang="de">');
    expect(html).toContain('„Abschlusstest“ bestehen');
    expect(html).toContain('Noch nicht erledigt');
  });

  it('tells a self-study learner they earn a badge, not the credits', async () => {
    const selfStudy = await world.platform('self-study');
    const teacher = await selfStudy.launch({ id: 'teacher-9' }, 'teacher');
    await createAchievementAs(teacher, world.tool.url, FOUNDATIONS);
    const html = await page(await selfStudy.launch({ id: 'learner-9' }, 'learner'));
    expect(html).toContain('Badge (no ECTS credits)');
    expect(html).toContain(
      'You learn here in open self-study, so you earn a badge for this achievement, not the 2 ECTS credits of the micro-credential.',
    );
    expect(html).not.toContain('Micro-credential worth');
  }, 30_000);

  it('answers 401 with a page when nobody launched', async () => {
    const response = await fetch(`${world.tool.url}/course`, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toContain('text/html');
  });
});
