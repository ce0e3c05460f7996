/**
 * Issue 16, item 4: the teacher's, the learner's and the administrator's main paths speak of activities, scores,
 * credits and skills; IRIs, JSON and the words JWT and DID appear only inside "technical
 * details" (`<details class="technical-details">`). This scans the text a person reads on each
 * rendered page (hidden form values, scripts and technical details left out).
 */
import { randomUUID } from 'node:crypto';
import { JSDOM } from 'jsdom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertCourseActivity } from '../../src/awards/course-activities.js';
import { courses, issuerProfiles, platforms } from '../../src/db/schema.js';
import { ADMIN_TOKEN, signedInAdmin } from './admin/admin-browser.js';
import { createBrowser, type Browser } from '../support/http-client.js';
import { platformXapiAuthorization, postStatements } from '../support/platform-xapi.js';
import { LTI_ROLES, type TestLms } from '../support/test-lms.js';
import type { TestTool } from '../support/test-tool.js';
import { startToolWithLms } from '../support/tool-with-lms.js';
import { createTranslations, LOCALES, type Locale } from '../../src/web/i18n.js';
import { csrfTokenOf, getPage, postForm, reportPassed } from './teacher-course-world.js';

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

interface FormElement {
  readonly textContent: string | null;
  getAttribute(name: string): string | null;
  hasAttribute(name: string): boolean;
  closest(selector: string): FormElement | null;
}
interface FormDocument {
  querySelectorAll(selector: string): Iterable<FormElement>;
  querySelector(selector: string): FormElement | null;
}

/** The text a person reads on a page, without technical details, scripts and templates. */
function readableText(html: string): string {
  const document = (new JSDOM(html).window as unknown as { document: PageDocument }).document;
  document
    .querySelectorAll('details.technical-details, script, style, template, datalist, [hidden]')
    .forEach((node) => node.remove());
  return (document.body.textContent ?? '').replace(/\s+/g, ' ');
}

/**
 * On the admin pages addresses are the data an administrator manages (an LMS's issuer, the
 * addresses to paste into it), so only JSON and the words JWT and DID count there.
 */
const ADMIN_JARGON = JARGON.filter(([kind]) => kind !== 'an IRI or URL');

function jargonIn(
  text: string,
  jargon: readonly [string, RegExp][] = JARGON,
): { kind: string; found: string }[] {
  return jargon.flatMap(([kind, pattern]) => {
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
  let admin: Browser;
  let platform: { id: string } | undefined;
  let awardingBody: { id: string } | undefined;

  beforeAll(async () => {
    ({ tool, lms, close } = await startToolWithLms({
      env: { MICROCRED_ADMIN_TOKEN: ADMIN_TOKEN },
    }));
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
    for (const [activityId, name, launchUrl] of [
      [CORE, 'Core module', null],
      [ENERGY, 'Energy transitions', 'https://content.example.eu/energy/index.html'],
    ] as const) {
      await upsertCourseActivity(db, course!.id, {
        activityId,
        name,
        names: {},
        launchUrl,
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
    await reportPassed(tool, lms, 'learner', CORE);
    await reportPassed(tool, lms, 'learner', ENERGY);
    // Seen in results, named only by its statements: "seen but not named", its IRI behind details.
    const seen = await postStatements(tool, await platformXapiAuthorization(tool, lms), {
      id: randomUUID(),
      actor: { objectType: 'Agent', account: { homePage: lms.issuer, name: 'learner' } },
      verb: { id: 'http://adlnet.gov/expapi/verbs/completed' },
      object: {
        objectType: 'Activity',
        id: 'https://alliance.example.eu/modules/journal',
        definition: { name: { 'en-US': 'Reflection journal' } },
      },
    });
    expect(seen.status).toBe(200);
    // Seen in results and named by nothing: "an activity without a name" in the rule's lists.
    const unnamed = await postStatements(tool, await platformXapiAuthorization(tool, lms), {
      id: randomUUID(),
      actor: { objectType: 'Agent', account: { homePage: lms.issuer, name: 'learner' } },
      verb: { id: 'http://adlnet.gov/expapi/verbs/completed' },
      object: { objectType: 'Activity', id: 'https://alliance.example.eu/modules/quiz-7' },
    });
    expect(unnamed.status).toBe(200);
    admin = (await signedInAdmin(tool, '/admin/platforms')).browser;
    [platform] = await db.select({ id: platforms.id }).from(platforms);
    [awardingBody] = await db.select({ id: issuerProfiles.id }).from(issuerProfiles);
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
    '/course/activities',
  ];

  const adminPages = () => [
    '/admin/platforms',
    `/admin/platforms/${platform!.id}`,
    '/admin/awarding-bodies',
    `/admin/awarding-bodies/${encodeURIComponent(awardingBody!.id)}`,
    '/admin/external-lrs',
    '/admin/xapi-credentials',
  ];

  for (const locale of Object.keys(LOCALES) as Locale[]) {
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

    it(`shows no IRI, JSON, JWT or DID outside technical details on the learner's page with a credential (${locale})`, async () => {
      const page = await getPage(learner, `${tool.url}/course?lang=${locale}`);
      expect(page.status).toBe(200);
      expect(page.html).toContain('class="learner-credential');
      expect(jargonIn(readableText(page.html))).toEqual([]);
    });

    it(`shows no IRI, JSON, JWT or DID outside technical details on the admin pages (${locale})`, async () => {
      const found: Record<string, unknown> = {};
      for (const path of adminPages()) {
        const page = await getPage(admin, `${tool.url}${path}?lang=${locale}`);
        expect(page.status, path).toBe(200);
        const jargon = jargonIn(readableText(page.html), ADMIN_JARGON);
        if (jargon.length > 0) found[path] = jargon;
      }
      expect(found).toEqual({});
    });
  }

  const { translator } = createTranslations();

  it.each(Object.keys(LOCALES) as Locale[])(
    'states 1 ECTS credit through the plural rules of %s',
    async (locale) => {
      const t = translator(locale);
      const text = readableText((await getPage(learner, `${tool.url}/course?lang=${locale}`)).html);
      expect(text).toContain(t('learner:facts.microCredential', { count: 1, ects: '1' }));
      expect(text).toContain(t('learner:credential.creditsEarned', { count: 1, ects: '1' }));
      if (locale === 'en') {
        expect(text).toContain('Micro-credential worth 1 ECTS credit ');
        expect(text).not.toContain('1 ECTS credits');
      }
    },
  );

  it.each(Object.keys(LOCALES) as Locale[])(
    'names each missing field of the activity form in its error summary, with a link to it (%s)',
    async (locale) => {
      const t = translator(locale);
      const form = await getPage(teacher, `${tool.url}/course/activities?lang=${locale}`);
      const { response } = await postForm(teacher, `${tool.url}/course/activities?lang=${locale}`, {
        _csrf: csrfTokenOf(form.html),
        isEdit: '0',
        activityId: '',
        name: '',
      });
      expect(response.status).toBe(422);
      const { document } = new JSDOM(await response.text()).window as unknown as {
        document: FormDocument;
      };
      const links = [...document.querySelectorAll('.error-summary a')].map((link) => [
        link.getAttribute('href'),
        link.textContent,
      ]);
      expect(links).toEqual([
        ['#activityId', t('teacher-course:activities.errors.activityId.required')],
        ['#name', t('teacher-course:activities.errors.name.required')],
      ]);
      const details = document.querySelector('#activityId')?.closest('details.technical-details');
      expect(details?.hasAttribute('open')).toBe(true);
    },
  );

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
