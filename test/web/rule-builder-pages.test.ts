import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { RULE_OPERATORS } from '../../src/awards/rules/rule-operators.js';
import { courses, partnerIssuers, platforms } from '../../src/db/schema.js';
import { createBrowser, type Browser } from '../support/http-client.js';
import { LTI_ROLES, type TestLms } from '../support/test-lms.js';
import type { TestTool } from '../support/test-tool.js';
import { startToolWithLms } from '../support/tool-with-lms.js';
import { formEntriesOf, getPage, windowOf } from './teacher-course-world.js';

const CORE = 'https://courses.example.org/alliance/core';
const ENERGY = 'https://courses.example.org/alliance/energy';
const MARKETS = 'https://courses.example.org/alliance/markets';
const CITIES = 'https://courses.example.org/alliance/cities';
const WATER = 'https://courses.example.org/alliance/water';

/** The fields a browser would send for the rule builder's form. */
function formFieldsOf(html: string): [string, string][] {
  return formEntriesOf(html, 'form.rule-builder');
}

/** Changes fields of the form as a teacher would (sets a text or select value). */
function withFields(fields: [string, string][], changes: Record<string, string>) {
  const changed = fields.map(([name, value]): [string, string] => [name, changes[name] ?? value]);
  const added = Object.entries(changes).filter(([name]) => !fields.some(([n]) => n === name));
  return [...changed, ...added];
}

describe('the rule builder page', () => {
  let tool: TestTool;
  let lms: TestLms;
  let close: () => Promise<void>;
  let teacher: Browser;
  let stackedId: string;

  beforeAll(async () => {
    ({ tool, lms, close } = await startToolWithLms());
    teacher = createBrowser();
    await lms.launch({ browser: teacher, user: { id: 'teacher' }, roles: [LTI_ROLES.instructor] });
    stackedId = (await createByApi('Foundations', { passed: CORE })).id;
  });
  afterAll(() => close?.());

  const createByApi = async (name: string, rule: unknown) => {
    const { response } = await teacher.request(`${tool.url}/api/achievements`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name, description: `${name}.`, criteria: 'Do it.', rule }),
    });
    expect(response.status).toBe(201);
    return (await response.json()) as { id: string; rule: unknown };
  };

  const storedRule = async (id: string) => {
    const { response } = await teacher.request(`${tool.url}/api/achievements`);
    const { achievements } = (await response.json()) as {
      achievements: { id: string; rule: unknown }[];
    };
    return achievements.find((achievement) => achievement.id === id)?.rule;
  };

  const builderOf = (id: string) => `${tool.url}/course/achievements/${id}/rule/builder`;

  /** Posts the builder form with its fields as they are and one button pressed. */
  const press = async (id: string, fields: [string, string][], action: string) => {
    const body = new URLSearchParams([...fields, ['action', action]]);
    const { response: posted } = await teacher.request(builderOf(id), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      body: body.toString(),
      followRedirects: false,
    });
    return {
      status: posted.status,
      html: await posted.text(),
      location: posted.headers.get('location'),
    };
  };

  describe('reads back every rule the JSON view can write', () => {
    const rules = (stacked: string): Record<string, unknown> => ({
      passed: { passed: CORE },
      'passed, only from the LMS': { passed: { activity: CORE, sources: ['platform'] } },
      completed: { completed: { activity: ENERGY, sources: ['content', 'tool'] } },
      satisfied: { satisfied: 'https://lms.example.org/cmi5/au/1' },
      'a score with an odd percentage': { scoreAtLeast: { activity: MARKETS, scaled: 0.123456 } },
      'a score from the tool only': {
        scoreAtLeast: { activity: MARKETS, scaled: 0.8, sources: ['tool'] },
      },
      earned: { earned: stacked },
      'earned from the LMS only': { earned: { achievement: stacked, sources: ['platform'] } },
      'any of, within all of': {
        allOf: [{ passed: CORE }, { anyOf: [{ passed: ENERGY }, { completed: CITIES }] }],
      },
      'at least, within any of': {
        anyOf: [
          { atLeast: { n: 2, of: [{ passed: ENERGY }, { passed: WATER }, { earned: stacked }] } },
        ],
      },
      'the pillar rule': {
        allOf: [
          { passed: CORE },
          {
            distinctGroupsAtLeast: {
              n: 2,
              tag: 'pillar',
              count: 3,
              of: [{ passed: ENERGY }, { passed: MARKETS }, { passed: CITIES }, { passed: WATER }],
            },
          },
        ],
      },
      'groups without a count': {
        distinctGroupsAtLeast: {
          n: 2,
          tag: 'pillar',
          of: [{ passed: ENERGY }, { passed: MARKETS }],
        },
      },
      'the best average': {
        bestAverageAtLeast: {
          n: 2,
          of: [ENERGY, { activity: MARKETS, sources: ['platform', 'tool'] }, CITIES],
          scaled: 0.75,
        },
      },
      'a recognised credential with every criterion': {
        recognised: {
          achievement: 'https://partner.example/achievements/climate-now',
          alignment: 'CLIM-101',
          issuer: 'did:web:partner.example',
          minEcts: 5,
        },
      },
      'recognised credentials covering pillars, under a stacking cap': {
        stackingCap: {
          ects: 60,
          target: 'MSc year',
          rule: {
            distinctGroupsAtLeast: {
              n: 2,
              tag: 'pillar',
              of: [
                {
                  recognised: {
                    alignment: 'http://data.europa.eu/esco/skill/s1',
                    group: 'environmental',
                  },
                },
                { recognised: { minEcts: 2.5, group: 'economic' } },
                { passed: CITIES },
              ],
            },
          },
        },
      },
      'a stacking cap': {
        stackingCap: {
          ects: 60,
          target: 'MSc year',
          rule: { allOf: [{ earned: stacked }, { passed: CORE }] },
        },
      },
    });

    it('has a sample of every operator of the rule language', () => {
      const used = new Set(
        JSON.stringify(rules('00000000-0000-4000-8000-000000000000'))
          .match(/"(\w+)":/g)!
          .map((key) => key.slice(1, -2)),
      );
      for (const name of Object.keys(RULE_OPERATORS)) expect(used).toContain(name);
    });

    for (const name of Object.keys(rules(''))) {
      it(`saves ${name} back unchanged when the teacher saves the page as shown`, async () => {
        const rule = rules(stackedId)[name];
        const { id } = await createByApi(`Round trip: ${name}`, rule);
        const page = await getPage(teacher, builderOf(id));
        expect(page.status).toBe(200);
        const saved = await press(id, formFieldsOf(page.html), 'save');
        expect(saved.status, saved.html).toBe(303);
        expect(await storedRule(id)).toEqual(rule);
      });
    }
  });

  it('builds the pillar rule by adding a condition and a group of conditions', async () => {
    const { id } = await createByApi('Alliance module', null);
    let fields = formFieldsOf((await getPage(teacher, builderOf(id))).html);
    let page = await press(id, fields, 'addCondition:r');
    fields = withFields(formFieldsOf(page.html), { 'r-0.activity': CORE });
    page = await press(id, fields, 'addGroup:r');
    fields = withFields(formFieldsOf(page.html), { 'r-1.kind': 'distinctGroupsAtLeast' });
    page = await press(id, fields, 'apply');
    expect(page.html).toContain('name="r-1.groups"');
    for (const activity of [ENERGY, MARKETS, CITIES, WATER]) {
      const index = formFieldsOf(page.html).filter(([name]) => /^r-1-\d+\.kind$/.test(name)).length;
      page = await press(id, formFieldsOf(page.html), 'addCondition:r-1');
      page = await press(
        id,
        withFields(formFieldsOf(page.html), { [`r-1-${index}.activity`]: activity }),
        'apply',
      );
    }
    fields = withFields(formFieldsOf(page.html), { 'r-1.count': '3', 'r-1.groups': '2' });
    const saved = await press(id, fields, 'save');
    expect(saved.status, saved.html).toBe(303);
    expect(saved.location).toBe('/course?saved=draft');
    expect(await storedRule(id)).toEqual({
      allOf: [
        { passed: CORE },
        {
          distinctGroupsAtLeast: {
            n: 2,
            tag: 'pillar',
            count: 3,
            of: [{ passed: ENERGY }, { passed: MARKETS }, { passed: CITIES }, { passed: WATER }],
          },
        },
      ],
    });
  });

  it('builds a condition on a credential recognised from a partner the awarding body trusts', async () => {
    const db = tool.current().database.db;
    const [body] = await db
      .select({ issuerProfileId: platforms.issuerProfileId })
      .from(courses)
      .innerJoin(platforms, eq(platforms.id, courses.platformId));
    await db.insert(partnerIssuers).values({
      issuerProfileId: body!.issuerProfileId!,
      issuerId: 'did:web:helsinki.example',
      name: 'University of Helsinki',
      qualityAssurance: 'Audited by FINEEC.',
    });
    const { id } = await createByApi('Recognised', null);
    let page = await press(
      id,
      formFieldsOf((await getPage(teacher, builderOf(id))).html),
      'addCondition:r',
    );
    page = await press(
      id,
      withFields(formFieldsOf(page.html), { 'r-0.kind': 'recognised' }),
      'apply',
    );
    const partner = windowOf(page.html).document.querySelector(
      'select[name="r-0.issuer"] option[value="did:web:helsinki.example"]',
    );
    expect(partner?.textContent).toBe('University of Helsinki');
    const saved = await press(
      id,
      withFields(formFieldsOf(page.html), {
        'r-0.alignment': 'CLIM-101',
        'r-0.issuer': 'did:web:helsinki.example',
        'r-0.ects': '5',
      }),
      'save',
    );
    expect(saved.status, saved.html).toBe(303);
    expect(await storedRule(id)).toEqual({
      allOf: [
        {
          recognised: { alignment: 'CLIM-101', issuer: 'did:web:helsinki.example', minEcts: 5 },
        },
      ],
    });
  });

  it('removes a part, keeping the others in order', async () => {
    const rule = { allOf: [{ passed: CORE }, { passed: ENERGY }, { passed: MARKETS }] };
    const { id } = await createByApi('Removal', rule);
    const page = await getPage(teacher, builderOf(id));
    const removed = await press(id, formFieldsOf(page.html), 'remove:r-1');
    const saved = await press(id, formFieldsOf(removed.html), 'save');
    expect(saved.status).toBe(303);
    expect(await storedRule(id)).toEqual({ allOf: [{ passed: CORE }, { passed: MARKETS }] });
  });

  describe('refusals', () => {
    it('names the part and the field of a mistake in the summary, linked to the field, storing nothing', async () => {
      const rule = { allOf: [{ passed: CORE }] };
      const { id } = await createByApi('Mistakes', rule);
      let page = await press(
        id,
        formFieldsOf((await getPage(teacher, builderOf(id))).html),
        'addGroup:r',
      );
      page = await press(id, formFieldsOf(page.html), 'addCondition:r-1');
      const saved = await press(id, formFieldsOf(page.html), 'save');
      expect(saved.status).toBe(422);
      const window = windowOf(saved.html);
      const link = window.document.querySelector('.error-summary a');
      expect(link?.textContent).toBe('Condition 2.1, Activity: Choose an activity.');
      expect(link?.getAttribute('href')).toBe('#field-r-1-0.activity');
      expect(
        window.document.getElementById('field-r-1-0.activity')?.getAttribute('aria-invalid'),
      ).toBe('true');
      expect(await storedRule(id)).toEqual(rule);
    });

    it('says that a condition on a recognised credential needs one of its fields', async () => {
      const { id } = await createByApi('Recognised, empty', null);
      let page = await press(
        id,
        formFieldsOf((await getPage(teacher, builderOf(id))).html),
        'addCondition:r',
      );
      page = await press(
        id,
        withFields(formFieldsOf(page.html), { 'r-0.kind': 'recognised' }),
        'apply',
      );
      const saved = await press(id, formFieldsOf(page.html), 'save');
      expect(saved.status).toBe(422);
      const link = windowOf(saved.html).document.querySelector('.error-summary a');
      expect(link?.getAttribute('href')).toBe('#field-r-0.alignment');
      expect(link?.textContent).toBe(
        'Condition 1, Alignment (skill or course code): A condition on a recognised credential needs at least one of: the partner’s achievement, an alignment, the partner or a minimum of ECTS.',
      );
    });

    it('says that an empty group needs a part', async () => {
      const { id } = await createByApi('Empty group', null);
      const saved = await press(
        id,
        formFieldsOf((await getPage(teacher, builderOf(id))).html),
        'save',
      );
      expect(saved.status).toBe(422);
      const window = windowOf(saved.html);
      expect(window.document.querySelector('.error-summary a')?.getAttribute('href')).toBe(
        '#field-r.children',
      );
    });

    it('answers a learner with 403 and changes nothing', async () => {
      const { id } = await createByApi('Not for learners', { passed: CORE });
      const learner = createBrowser();
      await lms.launch({ browser: learner, user: { id: 'learner-1' }, roles: [LTI_ROLES.learner] });
      expect((await getPage(learner, builderOf(id))).status).toBe(403);
      const { response } = await learner.request(builderOf(id), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
        body: new URLSearchParams({
          'r.kind': 'passed',
          'r.activity': ENERGY,
          action: 'save',
        }).toString(),
        followRedirects: false,
      });
      expect(response.status).toBe(403);
      expect(await storedRule(id)).toEqual({ passed: CORE });
    });

    it('refuses a post without the form token with 403', async () => {
      const { id } = await createByApi('No token', { passed: CORE });
      const { response } = await teacher.request(builderOf(id), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
        body: new URLSearchParams({
          'r.kind': 'passed',
          'r.activity': ENERGY,
          action: 'save',
        }).toString(),
        followRedirects: false,
      });
      expect(response.status).toBe(403);
      expect(await storedRule(id)).toEqual({ passed: CORE });
    });

    it('answers 404 for an achievement of another course', async () => {
      const { id } = await createByApi('Elsewhere', { passed: CORE });
      const other = createBrowser();
      await lms.launch({
        browser: other,
        user: { id: 'teacher-2' },
        roles: [LTI_ROLES.instructor],
        context: { id: 'another-course' },
      });
      expect((await getPage(other, builderOf(id))).status).toBe(404);
    });
  });
});
