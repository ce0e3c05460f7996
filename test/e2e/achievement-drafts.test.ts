import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awards, ruleReferences } from '../../src/db/schema.js';
import { createAchievementAs } from '../support/course-world.js';
import { createBrowser, type Browser } from '../support/http-client.js';
import { LTI_CLAIMS, LTI_ROLES, type TestLms } from '../support/test-lms.js';
import type { TestTool } from '../support/test-tool.js';
import { startToolWithLms } from '../support/tool-with-lms.js';
import {
  csrfTokenOf,
  getPage,
  launchInto,
  postForm,
  reportPassed,
} from '../web/teacher-course-world.js';

const COURSE = 'drafts-course';
const QUIZ = 'https://content.example.org/drafts/quiz';
const ESSAY = 'https://content.example.org/drafts/essay';
const ADA = { id: 'd-ada', name: 'Ada Lovelace' };
const BOB = { id: 'd-bob', name: 'Bob Builder' };
const CY = { id: 'd-cy', name: 'Cy Roster' };
const DEE = { id: 'd-dee', name: 'Dee Roster' };

/** The rule JSON the preview's publish form carries (HTML-escaped in its value attribute). */
function publishedRuleOf(html: string): string {
  const value = /name="rule" value="([^"]*)"/.exec(html)?.[1];
  if (value === undefined) throw new Error('The page has no publish form');
  return value
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The preview table's rows as "learner | result" text. */
function previewRows(html: string): string[] {
  const section = /<section class="rule-preview"[\s\S]*?<\/section>/.exec(html)?.[0] ?? '';
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(section)?.[1] ?? '';
  return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...(row[1] ?? '').matchAll(/<t[hd]\b[^>]*>([\s\S]*?)<\/t[hd]>/g)]
      .slice(0, 2)
      .map((cell) =>
        (cell[1] ?? '')
          .replace(/<[^>]+>/g, ' ')
          .replace(/\s+/g, ' ')
          .trim(),
      )
      .join(' | '),
  );
}

/**
 * Achievements start as drafts (issue #15): statements count while the teacher sets the rule,
 * but nobody is awarded until the teacher publishes it from the preview; the preview counts the
 * LMS roster's learners who never launched as not started.
 */
describe('a draft achievement awards nothing until its rule is published', () => {
  let tool: TestTool;
  let lms: TestLms;
  let close: () => Promise<void>;
  let teacher: Browser;
  let ada: Browser;
  let achievementId: string;

  const db = () => tool.current().database.db;
  const awardsOf = () =>
    db()
      .select({ userId: awards.userId, version: awards.achievementVersion })
      .from(awards)
      .where(eq(awards.achievementId, achievementId));
  const rulePage = () => `${tool.url}/course/achievements/${achievementId}/rule`;
  const preview = async (fields: Record<string, string>) => {
    const { html } = await getPage(teacher, rulePage());
    const answer = await postForm(teacher, `${rulePage()}/preview`, {
      _csrf: csrfTokenOf(html),
      ...fields,
    });
    expect(answer.response.status).toBe(200);
    return answer.response.text();
  };

  beforeAll(async () => {
    ({ tool, lms, close } = await startToolWithLms());
    lms.addMembers(
      COURSE,
      [ADA, BOB, CY, DEE].map((user) => ({ user, roles: [LTI_ROLES.learner] })),
    );
    teacher = await launchInto(lms, COURSE, { id: 'd-teacher', name: 'Grace' }, 'teacher');
    ada = await launchInto(lms, COURSE, ADA, 'learner');
    await launchInto(lms, COURSE, BOB, 'learner');
    achievementId = await createAchievementAs(teacher, tool.url, {
      name: 'Quiz practitioner',
      description: 'Passes the quiz.',
      criteria: 'Pass the quiz.',
      ects: 1,
      rule: { passed: QUIZ },
      publish: false,
    });
  }, 180_000);
  afterAll(() => close?.());

  it('awards nobody while it is a draft, though a learner meets its rule', async () => {
    await reportPassed(tool, lms, ADA.id, QUIZ);
    expect(await awardsOf()).toEqual([]);
    const references = await db()
      .select()
      .from(ruleReferences)
      .where(eq(ruleReferences.achievementId, achievementId));
    expect(references).toEqual([]);
  });

  it('is listed as a draft for the teacher and not offered to learners', async () => {
    const list = await getPage(teacher, `${tool.url}/course`);
    const row = list.html.slice(list.html.indexOf('Quiz practitioner'));
    expect(row.slice(0, row.indexOf('</tr>'))).toContain('form-draft">Draft</span>');
    expect((await getPage(ada, `${tool.url}/course`)).html).not.toContain('Quiz practitioner');
  });

  it('keeps a saved rule a draft: still nobody awarded', async () => {
    const { html } = await getPage(teacher, rulePage());
    expect(html).toContain('Draft: this achievement is not published');
    expect(html).toContain('>Save the draft</button>');
    const saved = await postForm(teacher, rulePage(), {
      _csrf: csrfTokenOf(html),
      shape: 'json',
      json: JSON.stringify({ anyOf: [{ passed: QUIZ }, { passed: ESSAY }] }),
    });
    expect(saved.response.status).toBe(303);
    expect(saved.response.headers.get('location')).toBe('/course?saved=draft');
    await tool.current().outbox.drain();
    expect(await awardsOf()).toEqual([]);
  });

  it('previews who would be awarded, counting the roster’s learners who never launched as not started', async () => {
    const html = await preview({
      shape: 'json',
      json: JSON.stringify({ anyOf: [{ passed: QUIZ }, { passed: ESSAY }] }),
    });
    expect(previewRows(html)).toEqual([
      'Ada Lovelace | Would be awarded',
      'Bob Builder | Not yet',
      'Cy Roster | Not started (has not opened microcred yet)',
      'Dee Roster | Not started (has not opened microcred yet)',
    ]);
    expect(html).toContain('1 of 4 learners would be awarded with this rule.');
    expect(html).toContain(
      '2 learners on the LMS course roster have not opened microcred yet: not started.',
    );
    expect(html).not.toContain('No learners are on the LMS course roster');
  });

  it('lists the not started learners in the JSON preview too', async () => {
    const { response } = await teacher.request(`${tool.url}/api/rules/preview`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rule: { passed: QUIZ }, ects: 1 }),
    });
    const answer = (await response.json()) as {
      roster: string;
      learners: { sub: string; hasStarted: boolean; wouldBeAwarded: boolean }[];
    };
    expect(answer.roster).toBe('listed');
    expect(
      answer.learners.map(({ sub, hasStarted, wouldBeAwarded }) => [
        sub,
        hasStarted,
        wouldBeAwarded,
      ]),
    ).toEqual([
      [ADA.id, true, true],
      [BOB.id, true, false],
      [CY.id, false, false],
      [DEE.id, false, false],
    ]);
  });

  describe('refusals of publishing', () => {
    it('refuses a learner with 403, another course’s teacher with 404 and a post without the form token with 403', async () => {
      const { html } = await getPage(teacher, rulePage());
      const form = { _csrf: csrfTokenOf(html), rule: JSON.stringify({ passed: QUIZ }) };
      // The role is checked before the form token: the teacher's token does not help.
      const asLearner = await postForm(ada, `${rulePage()}/publish`, form);
      expect(asLearner.response.status).toBe(403);
      const other = await launchInto(lms, 'drafts-other', { id: 'd-other' }, 'teacher');
      const otherPage = await getPage(other, `${tool.url}/course/achievements/new`);
      const asOther = await postForm(other, `${rulePage()}/publish`, {
        ...form,
        _csrf: csrfTokenOf(otherPage.html),
      });
      expect(asOther.response.status).toBe(404);
      const forged = await postForm(teacher, `${rulePage()}/publish`, { rule: form.rule });
      expect(forged.response.status).toBe(403);
      await tool.current().outbox.drain();
      expect(await awardsOf()).toEqual([]);
    });
  });

  it('publishes the previewed rule: the learner who already met it is awarded, the others are not', async () => {
    const html = await preview({
      shape: 'json',
      json: JSON.stringify({ anyOf: [{ passed: QUIZ }, { passed: ESSAY }] }),
    });
    expect(html).toContain('>Publish this rule</button>');
    const published = await postForm(teacher, `${rulePage()}/publish`, {
      _csrf: csrfTokenOf(html),
      rule: publishedRuleOf(html),
    });
    expect(published.response.status).toBe(303);
    expect(published.response.headers.get('location')).toBe('/course?saved=published');
    await tool.current().outbox.drain();
    const awarded = await awardsOf();
    expect(awarded).toHaveLength(1);
    expect(awarded[0]?.version).toBe(1);
    expect((await getPage(ada, `${tool.url}/course`)).html).toContain('Quiz practitioner');
  });

  it('awards a learner who meets the published rule later', async () => {
    await reportPassed(tool, lms, BOB.id, ESSAY);
    expect(await awardsOf()).toHaveLength(2);
  });

  it('makes a new version when the published rule changes, and credentials keep theirs', async () => {
    const { html } = await getPage(teacher, rulePage());
    expect(html).not.toContain('Draft: this achievement is not published');
    const saved = await postForm(teacher, rulePage(), {
      _csrf: csrfTokenOf(html),
      shape: 'json',
      json: JSON.stringify({ passed: ESSAY }),
    });
    expect(saved.response.headers.get('location')).toBe('/course?saved=versioned');
    await tool.current().outbox.drain();
    expect((await awardsOf()).map((award) => award.version).sort()).toEqual([1, 1, 2]);
  });
});

describe('the rule preview when the LMS roster cannot be read', () => {
  let tool: TestTool;
  let lms: TestLms;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ tool, lms, close } = await startToolWithLms());
  }, 180_000);
  afterAll(() => close?.());

  /** A course whose teacher launched with these NRPS claims, with one draft achievement. */
  async function previewIn(contextId: string, namesRoleService: unknown) {
    const launch = (user: { id: string; name?: string }, role: string) => {
      const browser = createBrowser();
      return lms
        .launch({
          browser,
          user,
          roles: [role],
          context: { id: contextId },
          claims: { [LTI_CLAIMS.namesRoleService]: namesRoleService },
        })
        .then(() => browser);
    };
    const teacher = await launch({ id: `${contextId}-teacher` }, LTI_ROLES.instructor);
    await launch({ id: `${contextId}-learner`, name: 'Lee' }, LTI_ROLES.learner);
    const id = await createAchievementAs(teacher, tool.url, {
      name: 'Roster-less',
      description: 'd',
      criteria: 'c',
      rule: { passed: QUIZ },
      publish: false,
    });
    const rulePage = `${tool.url}/course/achievements/${id}/rule`;
    const { html } = await getPage(teacher, rulePage);
    const answer = await postForm(teacher, `${rulePage}/preview`, {
      _csrf: csrfTokenOf(html),
      shape: 'json',
      json: JSON.stringify({ passed: QUIZ }),
    });
    return { status: answer.response.status, html: await answer.response.text() };
  }

  it('still previews the learners who launched, and says the roster could not be read', async () => {
    const { status, html } = await previewIn('broken-roster', {
      context_memberships_url: `${lms.issuer}/contexts/broken-roster/no-such-service`,
      service_versions: ['2.0'],
    });
    expect(status).toBe(200);
    expect(previewRows(html)).toEqual(['Lee | Not yet']);
    expect(html).toContain('The LMS course roster could not be read just now');
    expect(html).toContain('>Publish this rule</button>');
  });

  it('says so when the LMS does not share the roster', async () => {
    const { status, html } = await previewIn('no-roster', undefined);
    expect(status).toBe(200);
    expect(previewRows(html)).toEqual(['Lee | Not yet']);
    expect(html).toContain('Your LMS does not share the course roster with microcred');
  });
});
