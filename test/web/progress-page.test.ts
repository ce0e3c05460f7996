import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBrowser, type Browser } from '../support/http-client.js';
import { LTI_CLAIMS, LTI_ROLES, type TestLms } from '../support/test-lms.js';
import type { TestTool } from '../support/test-tool.js';
import { startToolWithLms } from '../support/tool-with-lms.js';
import { createAchievement, getPage, launchInto, reportPassed } from './teacher-course-world.js';

const COURSE = 'progress-course';
const QUIZ_1 = 'https://content.example.org/progress/quiz-1';
const QUIZ_2 = 'https://content.example.org/progress/quiz-2';

/** The learners' rows of the progress table, as text per cell (without the award link). */
function tableRows(html: string): string[][] {
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? '';
  return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...(row[1] ?? '').matchAll(/<t[hd]\b[^>]*>([\s\S]*?)<\/t[hd]>/g)].map((cell) =>
      (cell[1] ?? '')
        .replace(/<a href="\/course\/awards\/new[^"]*">[\s\S]*?<\/a>/g, ' ')
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ')
        .trim(),
    ),
  );
}

describe('the progress page: /course/progress', () => {
  let tool: TestTool;
  let lms: TestLms;
  let close: () => Promise<void>;
  let teacher: Browser;

  beforeAll(async () => {
    ({ tool, lms, close } = await startToolWithLms());
    lms.addMembers(COURSE, [
      {
        user: { id: 'p-ada', name: 'Ada Lovelace', email: 'ada@example.org' },
        roles: [LTI_ROLES.learner],
      },
      {
        user: { id: 'p-bob', name: 'Bob Builder', email: 'bob@example.org' },
        roles: [LTI_ROLES.learner],
      },
      {
        user: { id: 'p-eve', name: '=HYPERLINK("http://evil.example")', email: 'eve@example.org' },
        roles: [LTI_ROLES.learner],
      },
      {
        user: { id: 'p-cy', name: 'Cy, "the quiet"', email: 'cy@example.org' },
        roles: [LTI_ROLES.learner],
      },
    ]);
    teacher = await launchInto(lms, COURSE, { id: 'p-teacher', name: 'Grace Teacher' }, 'teacher');
    await createAchievement(tool, teacher, {
      name: 'Both quizzes',
      rule: { allOf: [{ passed: QUIZ_1 }, { passed: QUIZ_2 }] },
    });
    await createAchievement(tool, teacher, { name: 'First quiz', rule: { passed: QUIZ_1 } });
    await launchInto(
      lms,
      COURSE,
      { id: 'p-ada', name: 'Ada Lovelace', email: 'ada@example.org' },
      'learner',
    );
    await launchInto(
      lms,
      COURSE,
      { id: 'p-bob', name: 'Bob Builder', email: 'bob@example.org' },
      'learner',
    );
    await reportPassed(tool, lms, 'p-ada', QUIZ_1);
    await reportPassed(tool, lms, 'p-ada', QUIZ_2);
    await reportPassed(tool, lms, 'p-bob', QUIZ_2);
  }, 180_000);
  afterAll(() => close?.());

  const page = (query = '') => getPage(teacher, `${tool.url}/course/progress${query}`);

  it('lists the LMS roster’s learners, by name, with their state on each achievement', async () => {
    const { status, html } = await page();
    expect(status).toBe(200);
    expect(html).toContain('Learners from your LMS course roster');
    expect(tableRows(html)).toEqual(
      [
        [
          '=HYPERLINK("http://evil.example") eve@example.org has not opened microcred yet',
          'Not started',
          'Not started',
        ],
        ['Ada Lovelace ada@example.org', 'Earned', 'Earned'],
        ['Bob Builder bob@example.org', 'In progress: 1 of 2', 'Not started'],
        [
          'Cy, "the quiet" cy@example.org has not opened microcred yet',
          'Not started',
          'Not started',
        ],
      ].map((row) => row.map((cell) => cell.replaceAll('"', '&quot;'))),
    );
    expect(html).not.toContain('Grace Teacher');
  });

  it('sorts by progress, most first', async () => {
    const names = tableRows((await page('?sort=progress')).html).map(
      (row) => row[0]?.split(' ')[0],
    );
    expect(names.slice(0, 2)).toEqual(['Ada', 'Bob']);
  });

  it('filters by text and by the state on one achievement, keeping the choices in the form', async () => {
    expect(tableRows((await page('?q=BOB')).html).map((row) => row[0])).toEqual([
      'Bob Builder bob@example.org',
    ]);
    const { html: achievements } = await page();
    const bothId = /<option value="([0-9a-f-]{36})">Both quizzes<\/option>/.exec(achievements)?.[1];
    const { html } = await page(`?achievement=${bothId}&state=inProgress`);
    expect(tableRows(html).map((row) => row[0])).toEqual(['Bob Builder bob@example.org']);
    expect(html).toContain(`<option value="${bothId}" selected>`);
    expect(html).toContain('<option value="inProgress" selected>');
    expect(html).toContain('1 learner shown.');
  });

  it('exports the same rows as CSV: BOM, localized headers, RFC 4180 quoting, no formulas', async () => {
    const { response } = await teacher.request(`${tool.url}/course/progress.csv?sort=name&lang=de`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toContain('progress.csv');
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
    expect(text.split('\r\n')).toEqual([
      '\uFEFFLernende,E-Mail,Both quizzes,First quiz',
      `"'=HYPERLINK(""http://evil.example"")",eve@example.org,Nicht begonnen,Nicht begonnen`,
      'Ada Lovelace,ada@example.org,Erworben,Erworben',
      'Bob Builder,bob@example.org,In Arbeit: 1 von 2,Nicht begonnen',
      '"Cy, ""the quiet""",cy@example.org,Nicht begonnen,Nicht begonnen',
      '',
    ]);
    await page('?lang=en');
  });

  it('lists learners known from launches when the LMS shares no roster', async () => {
    const other = 'progress-no-roster';
    const noRoster = { [LTI_CLAIMS.namesRoleService]: undefined };
    const browser = createBrowser();
    await lms.launch({
      browser,
      user: { id: 'n-teacher' },
      roles: [LTI_ROLES.instructor],
      context: { id: other },
      claims: noRoster,
    });
    await lms.launch({
      browser: createBrowser(),
      user: { id: 'n-learner', name: 'Nora Launched' },
      roles: [LTI_ROLES.learner],
      context: { id: other },
      claims: noRoster,
    });
    await createAchievement(tool, browser, { name: 'Quiz', rule: { passed: QUIZ_1 } });
    const { status, html } = await getPage(browser, `${tool.url}/course/progress`);
    expect(status).toBe(200);
    expect(html).toContain('Your LMS did not share the course roster');
    expect(tableRows(html)).toEqual([['Nora Launched n-learner@lms.test', 'Not started']]);
  });

  describe('refusals', () => {
    it('answers 403 to a learner, for the page and the CSV', async () => {
      const learner = await launchInto(lms, COURSE, { id: 'p-ada' }, 'learner');
      expect((await getPage(learner, `${tool.url}/course/progress`)).status).toBe(403);
      expect((await getPage(learner, `${tool.url}/course/progress.csv`)).status).toBe(403);
    });

    it('answers 401 without a session', async () => {
      expect((await getPage(createBrowser(), `${tool.url}/course/progress.csv`)).status).toBe(401);
    });
  });
});
