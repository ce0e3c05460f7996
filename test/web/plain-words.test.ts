/**
 * Issue 16, item 4: the teacher's and the learner's main paths speak of activities, scores,
 * credits and skills; IRIs, JSON and the words JWT and DID appear only inside "technical
 * details" (`<details class="technical-details">`). This scans the text a person reads on each
 * rendered page (hidden form values, scripts and technical details left out).
 */
import { JSDOM } from 'jsdom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertCourseActivity } from '../../src/awards/course-activities.js';
import { courses } from '../../src/db/schema.js';
import { createBrowser, type Browser } from '../support/http-client.js';
import { LTI_ROLES, type TestLms } from '../support/test-lms.js';
import type { TestTool } from '../support/test-tool.js';
import { startToolWithLms } from '../support/tool-with-lms.js';
import { getPage } from './teacher-course-world.js';

const CORE = 'https://alliance.example.eu/modules/core';
const ENERGY = 'https://alliance.example.eu/modules/energy';

/** What must not be read outside technical details. */
const JARGON: readonly [string, RegExp][] = [
  ['an IRI or URL', /\b[a-z][a-z0-9+.-]*:\/\/\S+/i],
  ['a URN or DID', /\b(?:urn|did):[a-z0-9]+:\S+/i],
  ['JSON', /[{[]\s*"[^"]*"\s*:|\bJSON\b/],
  ['the word JWT', /\bJWT\b/],
  ['the word DID', /\bDIDs?\b/],
];

interface TextNode {
  readonly textContent: string | null;
}
interface PageDocument {
  querySelectorAll(selector: string): { forEach(each: (node: { remove(): void }) => void): void };
  readonly body: TextNode;
}

/** The text a person reads on a page, without technical details, scripts and templates. */
function readableText(html: string): string {
  const document = (new JSDOM(html).window as unknown as { document: PageDocument }).document;
  document
    .querySelectorAll('details.technical-details, script, style, template, datalist, [hidden]')
    .forEach((node) => node.remove());
  return (document.body.textContent ?? '').replace(/\s+/g, ' ');
}

function jargonIn(text: string): { kind: string; found: string }[] {
  return JARGON.flatMap(([kind, pattern]) => {
    const match = pattern.exec(text);
    return match
      ? [{ kind, found: text.slice(Math.max(0, match.index - 40), match.index + 60) }]
      : [];
  });
}

describe('plain words on the main paths', () => {
  let tool: TestTool;
  let lms: TestLms;
  let close: () => Promise<void>;
  let teacher: Browser;
  let learner: Browser;
  let achievementId: string;

  beforeAll(async () => {
    ({ tool, lms, close } = await startToolWithLms());
    teacher = createBrowser();
    await lms.launch({ browser: teacher, user: { id: 'teacher' }, roles: [LTI_ROLES.instructor] });
    learner = createBrowser();
    await lms.launch({
      browser: learner,
      user: { id: 'learner', name: 'Ada Lovelace' },
      roles: [LTI_ROLES.learner],
    });
    const { db } = tool.current().database;
    const [course] = await db.select().from(courses);
    for (const [activityId, name] of [
      [CORE, 'Core module'],
      [ENERGY, 'Energy transitions'],
    ] as const) {
      await upsertCourseActivity(db, course!.id, {
        activityId,
        name,
        names: {},
        launchUrl: null,
        tags: { pillar: 'environmental' },
      });
    }
    const { response } = await teacher.request(`${tool.url}/api/achievements`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'Alliance module',
        description: 'The core module and an elective.',
        criteria: 'Pass both.',
        ects: 1,
        rule: { allOf: [{ passed: CORE }, { anyOf: [{ passed: ENERGY }] }] },
        publish: true,
      }),
    });
    achievementId = ((await response.json()) as { id: string }).id;
  });
  afterAll(() => close?.());

  const teacherPages = () => [
    '/course',
    '/course/progress',
    '/course/awards',
    `/course/achievements/${achievementId}/edit`,
    `/course/achievements/${achievementId}/rule`,
    `/course/achievements/${achievementId}/rule/builder`,
    '/course/setup',
  ];

  for (const locale of ['en', 'de', 'pl']) {
    it(`shows no IRI, JSON, JWT or DID outside technical details on the teacher's pages (${locale})`, async () => {
      const found: Record<string, unknown> = {};
      for (const path of teacherPages()) {
        const page = await getPage(teacher, `${tool.url}${path}?lang=${locale}`);
        expect(page.status, path).toBe(200);
        const jargon = jargonIn(readableText(page.html));
        if (jargon.length > 0) found[path] = jargon;
      }
      expect(found).toEqual({});
    });

    it(`shows no IRI, JSON, JWT or DID outside technical details on the learner's page (${locale})`, async () => {
      const page = await getPage(learner, `${tool.url}/course?lang=${locale}`);
      expect(page.status).toBe(200);
      expect(jargonIn(readableText(page.html))).toEqual([]);
    });
  }

  it('finds an IRI or JSON when one is shown outside technical details', () => {
    const shown = `<p>Activity ${CORE}</p><details class="technical-details"><pre>{"passed": "${CORE}"}</pre></details>`;
    expect(jargonIn(readableText(shown)).map((item) => item.kind)).toEqual(['an IRI or URL']);
    expect(jargonIn(readableText('<p>{"passed": 1}</p>')).map((item) => item.kind)).toEqual([
      'JSON',
    ]);
    expect(jargonIn(readableText('<p>Download the JWT</p>')).map((item) => item.kind)).toEqual([
      'the word JWT',
    ]);
  });
});
