/**
 * Issue 16, item 2, in a real browser: a teacher builds the alliance pillar rule (the core
 * course AND at least 3 of the electives from at least 2 pillars) only by clicking in the rule
 * builder, downloads the course's set-up and imports it into a course of another platform (an
 * open self-study copy). The pages pass axe at 360 and 1280 px in English, German and Polish.
 * Issue 20, item 3: a condition on a credential recognised from a partner, built by clicking.
 */
import { readFile } from 'node:fs/promises';
import type { Browser as Chromium, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { upsertCourseActivity } from '../../src/awards/course-activities.js';
import { courses, partnerIssuers, platforms } from '../../src/db/schema.js';
import { createTranslations, type Locale } from '../../src/web/i18n.js';
import {
  checkPage,
  describeInBrowser,
  launchBrowser,
  openSignedInPage,
} from '../support/browser.js';
import { startCourseWorld, type CourseWorld, type WorldPlatform } from '../support/course-world.js';
import type { Browser as HttpBrowser } from '../support/http-client.js';
import { formField } from './demo-session.js';

const CORE = 'https://alliance.example.eu/modules/core';
const ELECTIVES = [
  {
    iri: 'https://alliance.example.eu/modules/energy',
    name: 'Energy transitions',
    pillar: 'environmental',
  },
  {
    iri: 'https://alliance.example.eu/modules/water',
    name: 'Water systems',
    pillar: 'environmental',
  },
  { iri: 'https://alliance.example.eu/modules/markets', name: 'Green markets', pillar: 'economic' },
  {
    iri: 'https://alliance.example.eu/modules/cities',
    name: 'Inclusive cities',
    pillar: 'societal',
  },
];

const PILLAR_RULE = {
  allOf: [
    { passed: CORE },
    {
      distinctGroupsAtLeast: {
        n: 2,
        tag: 'pillar',
        count: 3,
        of: ELECTIVES.map((elective) => ({ passed: elective.iri })),
      },
    },
  ],
};

const translations = createTranslations();
const t = (locale: Locale) =>
  translations.translator(locale) as (key: string, options?: Record<string, unknown>) => string;

describeInBrowser('the rule builder and copying a course set-up, in the browser', () => {
  let world: CourseWorld;
  let campus: WorldPlatform;
  let open: WorldPlatform;
  let teacher: HttpBrowser;
  let openTeacher: HttpBrowser;
  let chromium: Chromium;

  /** A page signed in as the teacher whose HTTP browser holds the session. */
  const pageAs = (browser: HttpBrowser): Promise<Page> =>
    openSignedInPage(chromium, browser, world.tool.url);

  const api = async (
    browser: HttpBrowser,
    path: string,
    init: { method: string; body: unknown },
  ) => {
    const { response } = await browser.request(`${world.tool.url}${path}`, {
      method: init.method,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(init.body),
    });
    expect(response.status, path).toBeLessThan(300);
    return (await response.json()) as Record<string, unknown>;
  };

  const achievementsOf = async (browser: HttpBrowser) => {
    const { response } = await browser.request(`${world.tool.url}/api/achievements`);
    return ((await response.json()) as { achievements: { name: string; rule: unknown }[] })
      .achievements;
  };

  /** Presses a button of a form that posts back to the same page, and waits for the answer. */
  const press = async (page: Page, button: Locator) => {
    await Promise.all([
      page.waitForResponse((answer) => answer.request().method() === 'POST'),
      button.click(),
    ]);
    await page.waitForLoadState('load');
  };

  beforeAll(async () => {
    world = await startCourseWorld();
    [campus, open, chromium] = await Promise.all([
      world.platform('registered'),
      world.platform('self-study'),
      launchBrowser(),
    ]);
    teacher = await campus.launch({ id: 'alliance-teacher' }, 'teacher');
    openTeacher = await open.launch({ id: 'open-teacher' }, 'teacher');
    const { db } = world.tool.current().database;
    const courseId = await campus.courseId();
    await upsertCourseActivity(db, courseId, {
      activityId: CORE,
      name: 'Core module',
      names: {},
      launchUrl: null,
      tags: {},
    });
    for (const elective of ELECTIVES) {
      await upsertCourseActivity(db, courseId, {
        activityId: elective.iri,
        name: elective.name,
        names: {},
        launchUrl: null,
        tags: { pillar: elective.pillar },
      });
    }
  }, 120_000);
  afterAll(async () => {
    await chromium?.close();
    await world?.close();
  });

  it('builds the pillar rule only by clicking, copies the set-up to the open course, with accessible pages', async () => {
    const draft = await api(teacher, '/api/achievements', {
      method: 'POST',
      body: {
        name: 'Alliance module',
        description: 'The core module and electives of several pillars.',
        criteria: 'Pass the core module and three electives from two pillars.',
      },
    });
    const k = t('en');
    const page = await pageAs(teacher);
    await page.goto(
      `${world.tool.url}/course/achievements/${String(draft.id)}/rule/builder?lang=en`,
    );
    const whole = k('teacher-achievements:builder.place.whole');
    await press(
      page,
      page.getByRole('button', {
        name: k('teacher-achievements:builder.addCondition', { place: whole }),
      }),
    );
    await formField(page, 'r-0.activity').selectOption({ label: 'Core module' });
    await press(
      page,
      page.getByRole('button', {
        name: k('teacher-achievements:builder.addGroup', { place: whole }),
      }),
    );
    // The script shows the fields of the chosen kind of group at once.
    await Promise.all([
      page.waitForResponse((answer) => answer.request().method() === 'POST'),
      formField(page, 'r-1.kind').selectOption('distinctGroupsAtLeast'),
    ]);
    await page.waitForLoadState('load');
    const group = k('teacher-achievements:builder.place.part', { position: '2' });
    for (const [index, elective] of ELECTIVES.entries()) {
      await press(
        page,
        page.getByRole('button', {
          name: k('teacher-achievements:builder.addCondition', { place: group }),
        }),
      );
      await formField(page, `r-1-${index}.activity`).selectOption({ label: elective.name });
    }
    await formField(page, 'r-1.count').fill('3');
    await formField(page, 'r-1.groups').fill('2');
    expect(await checkPage(page, 'rule-builder-pillar-rule-en')).toEqual([]);
    await Promise.all([
      page.waitForURL(/\/course\?saved=draft$/),
      page.getByRole('button', { name: k('teacher-achievements:rule.saveDraft') }).click(),
    ]);
    expect((await achievementsOf(teacher)).find((a) => a.name === 'Alliance module')?.rule).toEqual(
      PILLAR_RULE,
    );

    await page.goto(`${world.tool.url}/course/setup?lang=en`);
    expect(await checkPage(page, 'course-setup-en')).toEqual([]);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: k('teacher-course:setup.export.download') }).click(),
    ]);
    const file = await readFile((await download.path())!);

    const openPageOf = await pageAs(openTeacher);
    await openPageOf.goto(`${world.tool.url}/course/setup?lang=en`);
    await openPageOf.locator('#field-file').setInputFiles({
      name: 'course-setup.json',
      mimeType: 'application/json',
      buffer: file,
    });
    await Promise.all([
      openPageOf.waitForURL(/\/course\/setup\?imported=1&added=5&bound=0$/),
      openPageOf.getByRole('button', { name: k('teacher-course:setup.import.submit') }).click(),
    ]);
    await expect(openPageOf.locator('.notice-success').textContent()).resolves.toContain(
      k('teacher-course:setup.imported.achievements', { count: 1 }),
    );
    expect(await checkPage(openPageOf, 'course-setup-imported-en')).toEqual([]);
    expect(await achievementsOf(openTeacher)).toEqual([
      expect.objectContaining({ name: 'Alliance module', rule: PILLAR_RULE }),
    ]);
    await closeContext(page.context(), openPageOf.context());
  }, 240_000);

  it('builds a condition on a credential recognised from a partner by clicking, accessibly in Finnish', async () => {
    const { db } = world.tool.current().database;
    const [body] = await db
      .select({ issuerProfileId: platforms.issuerProfileId })
      .from(courses)
      .innerJoin(platforms, eq(platforms.id, courses.platformId))
      .where(eq(courses.id, await campus.courseId()));
    await db.insert(partnerIssuers).values({
      issuerProfileId: body!.issuerProfileId!,
      issuerId: 'did:web:helsinki.example',
      name: 'Helsingin yliopisto',
      qualityAssurance: 'Auditoitu (FINEEC).',
    });
    const draft = await api(teacher, '/api/achievements', {
      method: 'POST',
      body: {
        name: 'Alliance climate module',
        description: 'Climate studies across the alliance.',
        criteria: 'Bring a climate course from a partner.',
      },
    });
    const k = t('fi');
    const page = await pageAs(teacher);
    await page.goto(
      `${world.tool.url}/course/achievements/${String(draft.id)}/rule/builder?lang=fi`,
    );
    await press(
      page,
      page.getByRole('button', {
        name: k('teacher-achievements:builder.addCondition', {
          place: k('teacher-achievements:builder.place.whole'),
        }),
      }),
    );
    await Promise.all([
      page.waitForResponse((answer) => answer.request().method() === 'POST'),
      formField(page, 'r-0.kind').selectOption('recognised'),
    ]);
    await page.waitForLoadState('load');
    await formField(page, 'r-0.alignment').fill('CLIM-101');
    await formField(page, 'r-0.issuer').selectOption({ label: 'Helsingin yliopisto' });
    await formField(page, 'r-0.ects').fill('5');
    expect(await checkPage(page, 'rule-builder-recognised-fi')).toEqual([]);
    await Promise.all([
      page.waitForURL(/\/course\?saved=draft$/),
      page.getByRole('button', { name: k('teacher-achievements:rule.saveDraft') }).click(),
    ]);
    expect(
      (await achievementsOf(teacher)).find((a) => a.name === 'Alliance climate module')?.rule,
    ).toEqual({
      allOf: [
        { recognised: { alignment: 'CLIM-101', issuer: 'did:web:helsinki.example', minEcts: 5 } },
      ],
    });
    await closeContext(page.context());
  }, 180_000);

  for (const locale of ['de', 'pl'] as const) {
    it(`shows the builder with a nested rule, a mistake named in its summary, and the set-up problems, accessibly in ${locale}`, async () => {
      const k = t(locale);
      const created = await api(teacher, '/api/achievements', {
        method: 'POST',
        body: {
          name: `Alliance module (${locale})`,
          description: 'The core module and electives.',
          criteria: 'Pass them.',
          rule: PILLAR_RULE,
        },
      });
      const page = await pageAs(teacher);
      await page.goto(
        `${world.tool.url}/course/achievements/${String(created.id)}/rule/builder?lang=${locale}`,
      );
      await expect(formField(page, 'r-1.groups').inputValue()).resolves.toBe('2');
      await press(
        page,
        page.getByRole('button', {
          name: k('teacher-achievements:builder.addCondition', {
            place: k('teacher-achievements:builder.place.part', { position: '2' }),
          }),
        }),
      );
      await press(
        page,
        page.getByRole('button', {
          name: k('teacher-achievements:rule.saveDraft'),
        }),
      );
      const summary = page.locator('.error-summary a');
      await expect(summary.getAttribute('href')).resolves.toBe('#field-r-1-4.activity');
      await expect(summary.textContent()).resolves.toContain(
        k('teacher-achievements:builder.condition', { position: '2.5' }),
      );
      expect(await checkPage(page, `rule-builder-mistake-${locale}`)).toEqual([]);

      const openPageOf = await pageAs(openTeacher);
      await openPageOf.goto(`${world.tool.url}/course/setup?lang=${locale}`);
      await openPageOf.locator('#field-file').setInputFiles({
        name: 'broken.json',
        mimeType: 'application/json',
        buffer: Buffer.from(
          '{"format": "microcred-course-setup", "version": 1, "activities": [{"iri": "x"}], "achievements": []}',
        ),
      });
      await press(
        openPageOf,
        openPageOf.getByRole('button', { name: k('teacher-course:setup.import.submit') }),
      );
      await expect(
        openPageOf.locator('.error-summary li a').first().textContent(),
      ).resolves.toMatch(
        new RegExp(`^${k('teacher-course:setup.problems.activity', { number: 1 })}, iri: `),
      );
      expect(await checkPage(openPageOf, `course-setup-problems-${locale}`)).toEqual([]);
      await closeContext(page.context(), openPageOf.context());
    }, 180_000);
  }
});

async function closeContext(...contexts: BrowserContext[]): Promise<void> {
  await Promise.all(contexts.map((context) => context.close()));
}
