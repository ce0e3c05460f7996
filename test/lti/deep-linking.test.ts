import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deepLinkingRequests } from '../../src/db/schema.js';
import { publishAchievementAs } from '../support/course-world.js';
import { createBrowser, type Browser } from '../support/http-client.js';
import { LTI_CLAIMS, LTI_ROLES, type TestLms } from '../support/test-lms.js';
import type { TestTool } from '../support/test-tool.js';
import { startToolWithLms } from '../support/tool-with-lms.js';

const COURSE = { id: 'course-dl', title: 'Sustainability' };
const TEACHER = { id: 'teacher-dl', name: 'Rachel Carson' };

describe('LTI Deep Linking 2.0: a teacher adds a microcred activity from the LMS', () => {
  let tool: TestTool;
  let lms: TestLms;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ tool, lms, close } = await startToolWithLms());
  });
  afterAll(() => close?.());

  const deepLinkingLaunch = (browser: Browser, roles: string[] = [LTI_ROLES.instructor]) =>
    lms.launch({
      browser,
      user: TEACHER,
      roles,
      context: COURSE,
      messageType: 'LtiDeepLinkingRequest',
      claims: lms.deepLinkingClaims(COURSE.id),
    });

  const choose = (browser: Browser, pickerUrl: string, fields: Record<string, string>) =>
    browser.request(pickerUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });

  it('creates an achievement, answers with a signed ltiResourceLink and line item, and the created link launches', async () => {
    const teacher = createBrowser();
    const picker = await deepLinkingLaunch(teacher);
    expect(picker.finalUrl).toMatch(new RegExp(`^${tool.url}/deep-link/[0-9a-f-]{36}$`));
    expect(picker.text).toContain('Add a microcred activity');

    const answer = await choose(teacher, picker.finalUrl, {
      achievement: 'new',
      name: 'Circular Economy',
      description: 'Explains and applies circular economy principles.',
      criteria: 'Score at least 70% in the case study.',
      ects: '1',
      activity: 'https://courses.example.org/sustainability/case-study',
      minimumScore: '70',
    });
    expect(answer.response.status).toBe(200);
    const returned = await teacher.submitForm(await answer.response.text(), answer.finalUrl);
    expect(returned.response.status).toBe(200);

    expect(lms.deepLinks).toHaveLength(1);
    const [link] = lms.deepLinks;
    expect(link?.title).toBe('Circular Economy');
    expect(link?.lineItem).toMatchObject({
      scoreMaximum: 100,
      label: 'Circular Economy',
      tag: expect.stringMatching(/^microcred:achievement:/),
    });

    const listed = await teacher.request(`${tool.url}/api/achievements`);
    const { achievements } = (await listed.response.json()) as {
      achievements: { id: string; rule: unknown }[];
    };
    expect(achievements).toEqual([
      expect.objectContaining({
        id: link?.custom.achievement_id,
        rule: {
          scoreAtLeast: {
            activity: 'https://courses.example.org/sustainability/case-study',
            scaled: 0.7,
          },
        },
        publishedAt: null,
      }),
    ]);
    // A draft until the teacher publishes it; then learners see it.
    await publishAchievementAs(teacher, tool.url, link?.custom.achievement_id ?? '');

    const learner = await lms.launch({
      browser: createBrowser(),
      user: { id: 'learner-dl' },
      context: COURSE,
      resourceLink: { id: link?.resourceLinkId ?? '', title: link?.title },
      claims: { [LTI_CLAIMS.custom]: link?.custom },
    });
    expect(learner.finalUrl).toBe(`${tool.url}/course`);
    expect(learner.text).toContain('Circular Economy');
  });

  const achievementsNamed = async (teacher: Browser, name: string) => {
    const listed = await teacher.request(`${tool.url}/api/achievements`);
    const { achievements } = (await listed.response.json()) as {
      achievements: { id: string; name: string }[];
    };
    return achievements.filter((achievement) => achievement.name === name);
  };

  /** The signed answer an answer page auto-posts to the LMS. */
  const jwtOf = (page: string) => /name="JWT" value="([^"]+)"/.exec(page)?.[1];

  it('answers the form sent twice at once (a double click in the LMS frame) with one activity, the same link both times', async () => {
    const teacher = createBrowser();
    const picker = await deepLinkingLaunch(teacher);
    const fields = {
      achievement: 'new',
      name: 'Double click',
      description: 'Added with a double click.',
      criteria: 'Pass.',
      activity: 'https://courses.example.org/double-click',
    };

    const answers = await Promise.all([
      choose(teacher, picker.finalUrl, fields),
      choose(teacher, picker.finalUrl, fields),
    ]);
    const later = await choose(teacher, picker.finalUrl, fields);

    const pages = await Promise.all(
      [...answers, later].map(async ({ response }) => ({
        status: response.status,
        jwt: jwtOf(await response.text()),
      })),
    );
    expect(pages.map((page) => page.status)).toEqual([200, 200, 200]);
    expect(pages[0]?.jwt).toBeDefined();
    expect(new Set(pages.map((page) => page.jwt)).size).toBe(1);
    expect(await achievementsNamed(teacher, 'Double click')).toHaveLength(1);
  });

  describe('refusals', () => {
    it('refuses a deep linking launch by a learner', async () => {
      const result = await deepLinkingLaunch(createBrowser(), [LTI_ROLES.learner]);
      expect(result.response.status).toBe(401);
      expect(result.text).toContain('Only teachers can add microcred activities');
      expect(result.text).toContain('LTI_DEEP_LINKING_TEACHERS_ONLY');
    });

    it('shows the form again with the reason when the new achievement is incomplete', async () => {
      const teacher = createBrowser();
      const picker = await deepLinkingLaunch(teacher);
      const answer = await choose(teacher, picker.finalUrl, {
        achievement: 'new',
        name: 'No rule',
      });
      expect(answer.response.status).toBe(422);
      const page = await answer.response.text();
      expect(page).toMatch(
        /<textarea id="description" name="description" rows="3" aria-invalid="true" aria-describedby="error-description">/,
      );
      expect(page).toContain('<p class="field-error" id="error-description">Fill this in.</p>');
      expect(page).toContain('value="No rule"');
    });

    it.each([
      [
        '0.8',
        'Minimum score in % (leave empty: passing is enough): 0.8 would mean 0.8 %, less than 1 %. Did you mean 80 %?',
      ],
      [
        '150',
        'Minimum score in % (leave empty: passing is enough): Give a percentage from 0 to 100.',
      ],
    ])(
      'refuses a minimum score of %s in percent, naming the field, creating nothing',
      async (score, text) => {
        const teacher = createBrowser();
        const picker = await deepLinkingLaunch(teacher);
        const answer = await choose(teacher, picker.finalUrl, {
          achievement: 'new',
          name: `Threshold ${score}`,
          description: 'Explains circular economy principles.',
          criteria: 'Score well in the case study.',
          activity: 'https://courses.example.org/sustainability/case-study',
          minimumScore: score,
        });
        expect(answer.response.status).toBe(422);
        expect(await answer.response.text()).toContain(text);
        const listed = await teacher.request(`${tool.url}/api/achievements`);
        const { achievements } = (await listed.response.json()) as {
          achievements: { name: string }[];
        };
        expect(achievements.map((a) => a.name)).not.toContain(`Threshold ${score}`);
      },
    );

    it('answers a request sent after its answer expired no more (the LMS would refuse it)', async () => {
      const teacher = createBrowser();
      const picker = await deepLinkingLaunch(teacher);
      const fields = {
        achievement: 'new',
        name: 'Once',
        description: 'Only once.',
        criteria: 'Pass.',
        activity: 'https://courses.example.org/once',
      };
      expect((await choose(teacher, picker.finalUrl, fields)).response.status).toBe(200);
      await tool
        .current()
        .database.db.update(deepLinkingRequests)
        .set({ answeredAt: new Date(Date.now() - 301_000) })
        .where(eq(deepLinkingRequests.id, picker.finalUrl.split('/').at(-1)!));

      const again = await choose(teacher, picker.finalUrl, fields);

      expect(again.response.status).toBe(404);
      expect(await achievementsNamed(teacher, 'Once')).toHaveLength(1);
    });

    it('does not open another teacher’s request', async () => {
      const picker = await deepLinkingLaunch(createBrowser());
      const other = createBrowser();
      await lms.launch({
        browser: other,
        user: { id: 'other-teacher' },
        roles: [LTI_ROLES.instructor],
        context: COURSE,
      });
      const { response } = await other.request(picker.finalUrl);
      expect(response.status).toBe(404);
    });
  });
});
