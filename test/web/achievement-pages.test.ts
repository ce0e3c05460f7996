import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { badgePng } from '../../src/badges/badge-image.js';
import {
  dataUri,
  GIF,
  HOSTILE_SVG,
  HOSTILE_SVG_SANITIZED,
  JPEG,
  PNG,
  pngDeclaring,
} from '../support/badge-images.js';
import { createBrowser, type Browser } from '../support/http-client.js';
import { platformXapiAuthorization, postStatements } from '../support/platform-xapi.js';
import { LTI_ROLES, type TestLms } from '../support/test-lms.js';
import type { TestTool } from '../support/test-tool.js';
import { startToolWithLms } from '../support/tool-with-lms.js';
import { csrfTokenOf } from './teacher-course-world.js';

const QUIZ = 'https://courses.example.org/green/final-quiz';
const ESSAY = 'https://courses.example.org/green/essay';
const LAB = 'https://courses.example.org/green/lab';
/** An activity the learner of these tests never does, so rules on it award nobody. */
const FIELD_TRIP = 'https://courses.example.org/green/field-trip';
const WRITTEN_EXAM = 'http://data.europa.eu/snb/assessment/6e6cb2cc78';
const BLENDED = 'http://data.europa.eu/snb/learning-assessment/e92d221e4d';
const UNSUPERVISED_NO_ID = 'http://data.europa.eu/snb/supervision-verification/c598449d64';
const ESCO_SKILL = 'http://data.europa.eu/esco/skill/8f6a4b4c-7f0e-4e1c-9d6f-2c3e7b0b8e10';
const LEARNER = { id: 'learner-ada', name: 'Ada Lovelace' };

interface StoredAchievement {
  id: string;
  name: string;
  version: number;
  ects: number | null;
  eqfLevel: number | null;
  language: string;
  image: string | null;
  eu: Record<string, unknown>;
  rule: unknown;
}

/** Every field of the achievement form, filled in. */
function completeForm(): Record<string, string> {
  return {
    name: 'Sustainability Basics',
    description: 'Explains the three pillars of sustainable development.',
    criteria: 'Pass the final quiz.',
    language: 'en',
    ects: '3',
    workloadHours: '75',
    eqfLevel: 'http://data.europa.eu/snb/eqf/6',
    'outcomes.0.text': 'Explains the environmental, social and economic pillars.',
    'outcomes.0.escoSkills': ESCO_SKILL,
    'outcomes.1.text': 'Reads a life-cycle assessment.',
    'outcomes.1.escoSkills': '',
    'outcomes.2.text': '',
    'outcomes.2.escoSkills': '',
    assessmentType: WRITTEN_EXAM,
    assessmentDescription: 'A 45-minute online quiz.',
    gradingScheme: 'Pass at 80 %.',
    participationForm: BLENDED,
    supervision: UNSUPERVISED_NO_ID,
    qualityAssurance: 'Reviewed by the faculty board each year.',
    qualityAssuranceUrl: 'https://university.example.org/quality',
    prerequisites: 'None.',
    stackable: 'yes',
    stackabilityDescription: 'Counts toward the certificate in sustainability.',
    stacksInto: 'https://university.example.org/certificates/sustainability',
    fieldOfStudy: 'Environmental sciences',
    furtherInformation: 'Offered every semester.',
    furtherInformationUrl: 'https://university.example.org/green',
    'translations.0.language': 'de',
    'translations.0.name': 'Grundlagen der Nachhaltigkeit',
    'translations.0.description': 'Erklärt die drei Säulen der nachhaltigen Entwicklung.',
    'translations.0.criteria': 'Das Abschlussquiz bestehen.',
    'translations.0.learningOutcomes':
      'Erklärt die ökologische, soziale und ökonomische Säule.\nLiest eine Ökobilanz.',
    'translations.1.language': '',
    'translations.1.name': '',
    'translations.1.description': '',
    'translations.1.criteria': '',
    'translations.1.learningOutcomes': '',
    ruleKind: 'passed',
    ruleActivity: QUIZ,
  };
}

describe('the teacher achievement pages', () => {
  let tool: TestTool;
  let lms: TestLms;
  let close: () => Promise<void>;
  let teacher: Browser;
  let learner: Browser;

  beforeAll(async () => {
    ({ tool, lms, close } = await startToolWithLms());
    teacher = createBrowser();
    await lms.launch({ browser: teacher, user: { id: 'teacher' }, roles: [LTI_ROLES.instructor] });
    learner = createBrowser();
    await lms.launch({ browser: learner, user: LEARNER, roles: [LTI_ROLES.learner] });
  });
  afterAll(() => close?.());

  const page = async (browser: Browser, path: string) => {
    const { response } = await browser.request(`${tool.url}${path}`, {
      headers: { accept: 'text/html' },
    });
    return { status: response.status, html: await response.text() };
  };

  const tokenFor = async (browser: Browser, path: string) =>
    csrfTokenOf((await page(browser, path)).html);

  const postMultipart = async (
    browser: Browser,
    path: string,
    fields: Record<string, string>,
    image?: { bytes: Buffer; type: string; name: string },
  ) => {
    const body = new FormData();
    for (const [name, value] of Object.entries(fields)) body.append(name, value);
    if (image) body.append('image', new Blob([image.bytes], { type: image.type }), image.name);
    const { response } = await browser.request(`${tool.url}${path}`, {
      method: 'POST',
      headers: { accept: 'text/html' },
      body,
      followRedirects: false,
    });
    return {
      status: response.status,
      location: response.headers.get('location'),
      html: await response.text(),
    };
  };

  const postForm = async (browser: Browser, path: string, fields: Record<string, string>) => {
    const { response } = await browser.request(`${tool.url}${path}`, {
      method: 'POST',
      headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
      followRedirects: false,
    });
    return {
      status: response.status,
      location: response.headers.get('location'),
      html: await response.text(),
    };
  };

  const storedAchievements = async (): Promise<StoredAchievement[]> => {
    const { response } = await teacher.request(`${tool.url}/api/achievements`);
    return ((await response.json()) as { achievements: StoredAchievement[] }).achievements;
  };

  const createByApi = async (name: string, rule: unknown, ects: number | null = null) => {
    const { response } = await teacher.request(`${tool.url}/api/achievements`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name,
        description: `${name}.`,
        criteria: 'Do it.',
        ects,
        rule,
        publish: true,
      }),
    });
    expect(response.status).toBe(201);
    return (await response.json()) as StoredAchievement;
  };

  it('shows the empty list with a button to create an achievement', async () => {
    const list = await page(teacher, '/course');
    expect(list.status).toBe(200);
    expect(list.html).toContain('This course has no achievements yet.');
    expect(list.html).toContain('href="/course/achievements/new"');
  });

  it('creates an achievement with every European micro-credential element from the form, stores and lists it', async () => {
    const form = await page(teacher, '/course/achievements/new');
    expect(form.status).toBe(200);
    expect(form.html).toContain(`<option value="${WRITTEN_EXAM}">Written examination</option>`);
    expect(form.html).toContain('<option value="http://data.europa.eu/snb/eqf/6">Level 6</option>');

    const png = badgePng({ id: 'uploaded', name: 'Uploaded', image: null });
    const created = await postMultipart(
      teacher,
      '/course/achievements',
      { _csrf: csrfTokenOf(form.html), ...completeForm() },
      { bytes: png, type: 'image/png', name: 'badge.png' },
    );
    expect(created.status).toBe(303);
    expect(created.location).toMatch(
      /^\/course\/achievements\/[0-9a-f-]{36}\/rule\?saved=created$/,
    );

    const stored = (await storedAchievements()).find((a) => a.name === 'Sustainability Basics');
    expect(stored).toMatchObject({
      version: 1,
      ects: 3,
      eqfLevel: 6,
      language: 'en',
      image: `data:image/png;base64,${png.toString('base64')}`,
      rule: { passed: QUIZ },
    });
    expect(stored?.eu).toEqual({
      learningOutcomes: [
        {
          text: 'Explains the environmental, social and economic pillars.',
          escoSkills: [ESCO_SKILL],
        },
        { text: 'Reads a life-cycle assessment.', escoSkills: [] },
      ],
      workloadHours: 75,
      assessmentType: WRITTEN_EXAM,
      assessmentDescription: 'A 45-minute online quiz.',
      gradingScheme: 'Pass at 80 %.',
      participationForm: BLENDED,
      supervision: 'unsupervised-no-id',
      qualityAssurance: 'Reviewed by the faculty board each year.',
      qualityAssuranceUrl: 'https://university.example.org/quality',
      prerequisites: 'None.',
      stackability: {
        isStackable: true,
        description: 'Counts toward the certificate in sustainability.',
        stacksInto: ['https://university.example.org/certificates/sustainability'],
      },
      fieldOfStudy: 'Environmental sciences',
      furtherInformation: 'Offered every semester.',
      furtherInformationUrl: 'https://university.example.org/green',
      translations: {
        de: {
          name: 'Grundlagen der Nachhaltigkeit',
          description: 'Erklärt die drei Säulen der nachhaltigen Entwicklung.',
          criteria: 'Das Abschlussquiz bestehen.',
          learningOutcomes: [
            'Erklärt die ökologische, soziale und ökonomische Säule.',
            'Liest eine Ökobilanz.',
          ],
        },
      },
    });

    const list = await page(teacher, '/course');
    expect(list.html).toContain('Sustainability Basics');
    expect(list.html).toContain('Micro-credential');
    expect(list.html).toContain('3 ECTS');
    expect(list.html).toContain('EQF level 6');
    expect(list.html).toContain(`pass ${QUIZ}`);
    expect(list.html).toContain(`href="/course/achievements/${stored?.id}/edit"`);

    const edit = await page(teacher, `/course/achievements/${stored?.id}/edit`);
    expect(edit.html).toContain(`<option value="${BLENDED}" selected>Blended</option>`);
    expect(edit.html).toContain('Grundlagen der Nachhaltigkeit');
    expect(edit.html).toContain(`src="data:image/png;base64,${png.toString('base64')}"`);
  });

  it('refuses an invalid form with 422, the messages on their fields and the values kept, storing nothing', async () => {
    const before = await storedAchievements();
    const refused = await postMultipart(teacher, '/course/achievements', {
      _csrf: await tokenFor(teacher, '/course/achievements/new'),
      ...completeForm(),
      name: '',
      ects: 'three',
      qualityAssuranceUrl: 'quality-page',
      'outcomes.1.escoSkills': 'https://example.org/not-esco',
      'translations.0.language': 'German',
      ruleActivity: 'not an iri',
    });
    expect(refused.status).toBe(422);
    expect(refused.html).toContain('role="alert"');
    expect(refused.html).toMatch(/<p class="field-error" id="error-name">Fill this in\.<\/p>/);
    expect(refused.html).toMatch(
      /id="field-name"[^>]*aria-describedby="error-name" aria-invalid="true"/,
    );
    expect(refused.html).toContain('id="error-ects">Give a number, such as 2 or 2.5.');
    expect(refused.html).toContain('id="error-qualityAssuranceUrl">Give a web address');
    expect(refused.html).toContain(
      'id="error-outcomes.1.escoSkills">Give ESCO skill addresses only',
    );
    expect(refused.html).toContain('id="error-translations.0.language">Give a language code');
    expect(refused.html).toContain('id="error-ruleActivity">Give the activity as an absolute IRI');
    expect(refused.html).toContain('value="three"');
    expect(refused.html).toContain('Reads a life-cycle assessment.');
    expect(await storedAchievements()).toEqual(before);
  });

  it('refuses a text with a NUL character with 422 and the message on its field, storing nothing', async () => {
    const before = await storedAchievements();
    const refused = await postMultipart(teacher, '/course/achievements', {
      _csrf: await tokenFor(teacher, '/course/achievements/new'),
      ...completeForm(),
      criteria: 'Pass the quiz.\u0000',
    });
    expect(refused.status).toBe(422);
    expect(refused.html).toContain(
      'id="error-criteria">This text holds a broken or NUL character that cannot be stored',
    );
    expect(await storedAchievements()).toEqual(before);
  });

  it('refuses an upload that is neither PNG, JPEG nor SVG', async () => {
    const refused = await postMultipart(
      teacher,
      '/course/achievements',
      {
        _csrf: await tokenFor(teacher, '/course/achievements/new'),
        ...completeForm(),
        name: 'Not stored',
      },
      { bytes: Buffer.from('just some words'), type: 'text/plain', name: 'badge.txt' },
    );
    expect(refused.status).toBe(422);
    expect(refused.html).toContain('id="error-image">Upload a PNG, JPEG or SVG image.');
    expect((await storedAchievements()).map((a) => a.name)).not.toContain('Not stored');
  });

  it('refuses an image above the size limit, storing nothing', async () => {
    const tooLarge = Buffer.concat([
      badgePng({ id: 'large', name: 'Large', image: null }),
      Buffer.alloc(1024 * 1024),
    ]);
    const refused = await postMultipart(
      teacher,
      '/course/achievements',
      {
        _csrf: await tokenFor(teacher, '/course/achievements/new'),
        ...completeForm(),
        name: 'Too large',
      },
      { bytes: tooLarge, type: 'image/png', name: 'large.png' },
    );
    expect(refused.status).toBe(422);
    expect(refused.html).toContain(
      'id="error-image">The image is too large: upload at most 1024 KB.',
    );
    expect((await storedAchievements()).map((a) => a.name)).not.toContain('Too large');
  });

  it('replaces the image with an uploaded SVG on edit', async () => {
    const achievement = await createByApi('With SVG', { passed: FIELD_TRIP });
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle cx="5" cy="5" r="4"/></svg>';
    const saved = await postMultipart(
      teacher,
      `/course/achievements/${achievement.id}`,
      {
        _csrf: await tokenFor(teacher, `/course/achievements/${achievement.id}/edit`),
        name: 'With SVG',
        description: 'With an image.',
        criteria: 'Do it.',
      },
      { bytes: Buffer.from(svg), type: 'image/svg+xml', name: 'badge.svg' },
    );
    expect(saved.status).toBe(303);
    expect(saved.location).toBe('/course?saved=updated');
    const stored = (await storedAchievements()).find((a) => a.id === achievement.id);
    expect(stored).toMatchObject({
      version: 1,
      image: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`,
    });
  });

  it.runIf(process.env.DATABASE_URL)(
    'keeps the rule another page saves while the details are being saved',
    async () => {
      const achievement = await createByApi('Saved twice at once', { passed: FIELD_TRIP });
      const csrf = await tokenFor(teacher, `/course/achievements/${achievement.id}/edit`);
      const holder = new pg.Client({ connectionString: tool.storage.databaseUrl });
      await holder.connect();
      try {
        await holder.query('begin');
        await holder.query(
          `update achievements set rule = '{"passed": "${LAB}"}'::jsonb where id = $1`,
          [achievement.id],
        );
        let isAnswered = false;
        const saving = postMultipart(teacher, `/course/achievements/${achievement.id}`, {
          _csrf: csrf,
          name: 'Saved twice at once, renamed',
          description: 'Saved twice at once.',
          criteria: 'Do it.',
        }).finally(() => (isAnswered = true));
        await new Promise((resolve) => setTimeout(resolve, 500));
        expect(isAnswered).toBe(false);
        await holder.query('commit');
        expect((await saving).status).toBe(303);
      } finally {
        await holder.end();
      }
      expect((await storedAchievements()).find((a) => a.id === achievement.id)).toMatchObject({
        name: 'Saved twice at once, renamed',
        rule: { passed: LAB },
      });
    },
  );

  describe('a fixed expiry day that has passed', () => {
    const lapsedForm = async (browser: Browser, path = '/course/achievements') =>
      postMultipart(browser, path, {
        _csrf: await tokenFor(browser, '/course/achievements/new'),
        ...completeForm(),
        name: 'Lapsed on arrival',
        expiryKind: 'on',
        expiryDate: '2020-01-01',
      });

    it('is refused with 422 and the message on the date field, naming today, storing nothing', async () => {
      const before = await storedAchievements();
      const refused = await lapsedForm(teacher);
      expect(refused.status).toBe(422);
      const today = new Date().toISOString().slice(0, 10);
      expect(refused.html).toContain(
        `id="error-expiryDate">This date has passed: credentials would be expired as soon as they are issued. Give ${today} or a later date.`,
      );
      expect(refused.html).toContain('<a href="#field-expiryDate">');
      expect(await storedAchievements()).toEqual(before);
    });

    it('is refused in the language of the page', async () => {
      const polish = createBrowser();
      await lms.launch({ browser: polish, user: { id: 'teacher' }, roles: [LTI_ROLES.instructor] });
      const refused = await lapsedForm(polish, '/course/achievements?lang=pl');
      expect(refused.status).toBe(422);
      expect(refused.html).toContain('id="error-expiryDate">Ta data już minęła');
    });

    it('is refused by the JSON API with 400 ACHIEVEMENT_EXPIRY_PASSED, on create and on change', async () => {
      const lapsed = { description: 'd', criteria: 'c', expiresOn: '2020-01-01' };
      const created = await teacher.request(`${tool.url}/api/achievements`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Lapsed by API', ...lapsed }),
      });
      expect(created.response.status).toBe(400);
      expect(await created.response.json()).toMatchObject({
        error: { code: 'ACHIEVEMENT_EXPIRY_PASSED', message: expect.stringMatching(/^expiresOn /) },
      });
      const stored = await createByApi('Dated by API', { passed: FIELD_TRIP });
      const changed = await teacher.request(`${tool.url}/api/achievements/${stored.id}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Dated by API', ...lapsed, rule: { passed: FIELD_TRIP } }),
      });
      expect(changed.response.status).toBe(400);
      expect(await changed.response.json()).toMatchObject({
        error: { code: 'ACHIEVEMENT_EXPIRY_PASSED' },
      });
      const after = (await storedAchievements()).find((a) => a.id === stored.id);
      expect(after).toMatchObject({ expiresOn: null });
    });
  });

  it('gives the messages in the language of the page', async () => {
    const german = createBrowser();
    await lms.launch({ browser: german, user: { id: 'teacher' }, roles: [LTI_ROLES.instructor] });
    const refused = await postMultipart(german, '/course/achievements?lang=de', {
      _csrf: await tokenFor(german, '/course/achievements/new'),
      ...completeForm(),
      name: '',
    });
    expect(refused.status).toBe(422);
    expect(refused.html).toContain('<html lang="de">');
    expect(refused.html).toContain('id="error-name">Bitte ausfüllen.');
  });

  describe('uploaded images are inert', () => {
    const createWithImage = async (
      name: string,
      image: { bytes: Buffer | string; type: string; name: string },
      browser: Browser = teacher,
      query = '',
    ) =>
      postMultipart(
        browser,
        `/course/achievements${query}`,
        {
          _csrf: await tokenFor(browser, '/course/achievements/new'),
          ...completeForm(),
          name,
        },
        { ...image, bytes: Buffer.from(image.bytes) },
      );
    const decoded = (image: string | null | undefined) =>
      Buffer.from(image?.split(',')[1] ?? '', 'base64').toString('utf8');

    it('stores an SVG without its script, handlers, foreign objects, outside links or fetching CSS', async () => {
      const created = await createWithImage('Hostile SVG', {
        bytes: HOSTILE_SVG,
        type: 'image/svg+xml',
        name: 'badge.svg',
      });
      expect(created.status).toBe(303);
      const stored = (await storedAchievements()).find((a) => a.name === 'Hostile SVG');
      expect(stored?.image).toMatch(/^data:image\/svg\+xml;base64,/);
      expect(decoded(stored?.image)).toBe(HOSTILE_SVG_SANITIZED);
    });

    it('stores a JPEG', async () => {
      const created = await createWithImage('With JPEG', {
        bytes: JPEG,
        type: 'image/jpeg',
        name: 'badge.jpg',
      });
      expect(created.status).toBe(303);
      const stored = (await storedAchievements()).find((a) => a.name === 'With JPEG');
      expect(stored?.image).toBe(dataUri('image/jpeg', JPEG));
    });

    it.each([
      {
        refused: 'an SVG declaring entities',
        image: {
          bytes: `<!DOCTYPE svg [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><svg xmlns="http://www.w3.org/2000/svg"><text>&b;</text></svg>`,
          type: 'image/svg+xml',
          name: 'laughs.svg',
        },
        message: 'This SVG declares XML entities (a DOCTYPE with ENTITY declarations)',
      },
      {
        refused: 'an HTML page named .svg',
        image: {
          bytes: '<html><body><script>alert(1)</script></body></html>',
          type: 'image/svg+xml',
          name: 'badge.svg',
        },
        message: 'This file is not an SVG image (its main element is “html”, not “svg”)',
      },
      {
        refused: 'a GIF named .png',
        image: { bytes: GIF, type: 'image/png', name: 'badge.png' },
        message: 'This file is a GIF image: save it as PNG, JPEG or SVG and upload it again.',
      },
      {
        refused: 'a truncated PNG',
        image: { bytes: PNG.subarray(0, PNG.length - 30), type: 'image/png', name: 'badge.png' },
        message: 'This PNG file is damaged or incomplete',
      },
      {
        refused: 'a PNG declaring 100000×100000 pixels',
        image: { bytes: pngDeclaring(100_000, 100_000), type: 'image/png', name: 'huge.png' },
        message: 'The image is 100000 × 100000 pixels: upload one of at most 4096 × 4096 pixels.',
      },
    ])(
      'refuses $refused with 422 and the reason on the field, storing nothing',
      async ({ image, message }) => {
        const before = await storedAchievements();
        const refused = await createWithImage('Refused image', image);
        expect(refused.status).toBe(422);
        expect(refused.html).toContain(`id="error-image">${message}`);
        expect(await storedAchievements()).toEqual(before);
      },
    );

    it('leaves the achievement as it was when an edit brings a refused image', async () => {
      const achievement = await createByApi('Kept image', { passed: FIELD_TRIP });
      const before = await storedAchievements();
      const refused = await postMultipart(
        teacher,
        `/course/achievements/${achievement.id}`,
        {
          _csrf: await tokenFor(teacher, `/course/achievements/${achievement.id}/edit`),
          name: 'Kept image, renamed',
          description: 'Changed.',
          criteria: 'Do it.',
        },
        { bytes: GIF, type: 'image/png', name: 'badge.png' },
      );
      expect(refused.status).toBe(422);
      expect(refused.html).toContain('id="error-image">This file is a GIF image');
      expect(await storedAchievements()).toEqual(before);
    });

    it('says what is wrong with an image in the language of the page', async () => {
      const german = createBrowser();
      await lms.launch({ browser: german, user: { id: 'teacher' }, roles: [LTI_ROLES.instructor] });
      const refused = await createWithImage(
        'Refused image',
        { bytes: GIF, type: 'image/png', name: 'badge.png' },
        german,
        '?lang=de',
      );
      expect(refused.status).toBe(422);
      expect(refused.html).toContain(
        'id="error-image">Diese Datei ist ein GIF-Bild: Speichern Sie es als PNG, JPEG oder SVG',
      );
    });
  });

  describe('an achievement with credentials issued', () => {
    let achievement: StoredAchievement;

    beforeAll(async () => {
      achievement = await createByApi('Quiz Passed', { passed: QUIZ });
      const authorization = await platformXapiAuthorization(tool, lms);
      const response = await postStatements(tool, authorization, {
        actor: { objectType: 'Agent', account: { homePage: lms.issuer, name: LEARNER.id } },
        verb: { id: 'http://adlnet.gov/expapi/verbs/passed', display: { 'en-US': 'passed' } },
        object: { objectType: 'Activity', id: QUIZ },
        result: { success: true, completion: true, score: { scaled: 0.9 } },
      });
      expect(response.status).toBe(200);
      await tool.current().outbox.drain();
    });

    it('says that saving makes a new version, and saving makes version 2', async () => {
      const form = await page(teacher, `/course/achievements/${achievement.id}/edit`);
      expect(form.html).toContain('1 credential was issued from version 1. Saving makes version 2');
      const saved = await postMultipart(teacher, `/course/achievements/${achievement.id}`, {
        _csrf: csrfTokenOf(form.html),
        name: 'Quiz Passed',
        description: 'Now with a better description.',
        criteria: 'Do it.',
      });
      expect(saved.status).toBe(303);
      expect(saved.location).toBe('/course?saved=versioned');
      const stored = (await storedAchievements()).find((a) => a.id === achievement.id);
      expect(stored).toMatchObject({ version: 2, description: 'Now with a better description.' });
      expect(stored?.rule).toEqual({ passed: QUIZ });
      expect((await page(teacher, saved.location ?? '')).html).toContain('saved as a new version');
    });

    it('previews the learner who meets a rule, saving nothing', async () => {
      const form = await page(teacher, `/course/achievements/${achievement.id}/rule`);
      const preview = await postForm(
        teacher,
        `/course/achievements/${achievement.id}/rule/preview`,
        {
          _csrf: csrfTokenOf(form.html),
          shape: 'allOf',
          'conditions.0.kind': 'scoreAtLeast',
          'conditions.0.activity': QUIZ,
          'conditions.0.score': '80',
        },
      );
      expect(preview.status).toBe(200);
      expect(preview.html).toContain('1 of 1 learners would be awarded');
      expect(preview.html).toMatch(
        /<th scope="row"[^>]*>Ada Lovelace<\/th>\s*<td[^>]*>\s*<span class="status-earned">Would be awarded/,
      );
      const stored = (await storedAchievements()).find((a) => a.id === achievement.id);
      expect(stored?.rule).toEqual({ passed: QUIZ });
    });

    it('previews no award when the rule asks for more than the learner did', async () => {
      const preview = await postForm(
        teacher,
        `/course/achievements/${achievement.id}/rule/preview`,
        {
          _csrf: await tokenFor(teacher, `/course/achievements/${achievement.id}/rule`),
          shape: 'allOf',
          'conditions.0.kind': 'passed',
          'conditions.0.activity': ESSAY,
        },
      );
      expect(preview.html).toContain('0 of 1 learners would be awarded');
      expect(preview.html).toMatch(/Ada Lovelace<\/th>\s*<td[^>]*>\s*Not yet/);
    });
  });

  describe('the rule form', () => {
    let target: StoredAchievement;
    let stacked: StoredAchievement;

    beforeAll(async () => {
      stacked = await createByApi('Component', { passed: LAB }, 5);
      target = await createByApi('Rule Target', { passed: FIELD_TRIP });
    });

    const saveRule = async (fields: Record<string, string>) => {
      const path = `/course/achievements/${target.id}/rule`;
      return postForm(teacher, path, { _csrf: await tokenFor(teacher, path), ...fields });
    };
    const storedRule = async () =>
      (await storedAchievements()).find((a) => a.id === target.id)?.rule;

    const shapes: [string, Record<string, string>, unknown][] = [
      [
        'all of these',
        {
          shape: 'allOf',
          'conditions.0.kind': 'passed',
          'conditions.0.activity': FIELD_TRIP,
          'conditions.1.kind': 'scoreAtLeast',
          'conditions.1.activity': ESSAY,
          'conditions.1.score': '75',
          'conditions.2.kind': '',
          'conditions.2.activity': '',
        },
        { allOf: [{ passed: FIELD_TRIP }, { scoreAtLeast: { activity: ESSAY, scaled: 0.75 } }] },
      ],
      [
        'one condition',
        { shape: 'allOf', 'conditions.0.kind': 'completed', 'conditions.0.activity': LAB },
        { completed: LAB },
      ],
      [
        'any one of these',
        {
          shape: 'anyOf',
          'conditions.0.kind': 'passed',
          'conditions.0.activity': FIELD_TRIP,
          'conditions.1.kind': 'completed',
          'conditions.1.activity': LAB,
        },
        { anyOf: [{ passed: FIELD_TRIP }, { completed: LAB }] },
      ],
      [
        'at least N of these',
        {
          shape: 'atLeast',
          count: '2',
          'conditions.0.kind': 'passed',
          'conditions.0.activity': FIELD_TRIP,
          'conditions.1.kind': 'passed',
          'conditions.1.activity': ESSAY,
          'conditions.2.kind': 'passed',
          'conditions.2.activity': LAB,
        },
        { atLeast: { n: 2, of: [{ passed: FIELD_TRIP }, { passed: ESSAY }, { passed: LAB }] } },
      ],
      [
        'N of these covering K groups (the pillar rule)',
        {
          shape: 'distinctGroups',
          count: '3',
          groups: '2',
          tag: 'pillar',
          'conditions.0.kind': 'passed',
          'conditions.0.activity': FIELD_TRIP,
          'conditions.1.kind': 'passed',
          'conditions.1.activity': ESSAY,
          'conditions.2.kind': 'passed',
          'conditions.2.activity': LAB,
        },
        {
          distinctGroupsAtLeast: {
            n: 2,
            tag: 'pillar',
            count: 3,
            of: [{ passed: FIELD_TRIP }, { passed: ESSAY }, { passed: LAB }],
          },
        },
      ],
      [
        'JSON for the rest',
        {
          shape: 'json',
          json: JSON.stringify({ anyOf: [{ allOf: [{ passed: FIELD_TRIP }] }, { passed: LAB }] }),
        },
        { anyOf: [{ allOf: [{ passed: FIELD_TRIP }] }, { passed: LAB }] },
      ],
    ];

    it.each(shapes)('stores the rule of the shape "%s"', async (_name, fields, rule) => {
      const saved = await saveRule(fields);
      expect(saved.status).toBe(303);
      expect(saved.location).toBe('/course?saved=rule');
      expect(await storedRule()).toEqual(rule);
    });

    it('stores a stack of earned achievements under a stacking cap, and shows it again', async () => {
      const saved = await saveRule({
        shape: 'allOf',
        'conditions.0.kind': 'earned',
        'conditions.0.achievement': stacked.id,
        capEcts: '60',
        capTarget: 'Master in Sustainability',
      });
      expect(saved.status).toBe(303);
      expect(await storedRule()).toEqual({
        stackingCap: { ects: 60, target: 'Master in Sustainability', rule: { earned: stacked.id } },
      });
      const form = await page(teacher, `/course/achievements/${target.id}/rule`);
      expect(form.html).toContain(`<option value="${stacked.id}" selected>Component</option>`);
      expect(form.html).toMatch(/id="field-capTarget"[^>]*value="Master in Sustainability"/);
      expect((await page(teacher, '/course')).html).toContain(
        'hold “Component” — while the stacked credentials stay below the 60 ECTS of Master in Sustainability',
      );
    });

    it('stores a score of 80 in percent as scaled 0.8 and shows it as 80 % again', async () => {
      const saved = await saveRule({
        shape: 'allOf',
        'conditions.0.kind': 'scoreAtLeast',
        'conditions.0.activity': ESSAY,
        'conditions.0.score': '80',
      });
      expect(saved.status).toBe(303);
      expect(await storedRule()).toEqual({ scoreAtLeast: { activity: ESSAY, scaled: 0.8 } });
      const form = await page(teacher, `/course/achievements/${target.id}/rule`);
      expect(form.html).toMatch(/name="conditions\.0\.score"[^>]*value="80"/);
      const list = await page(teacher, '/course');
      const row = list.html.slice(list.html.indexOf('Rule Target'));
      expect(row.slice(0, row.indexOf('</tr>'))).toContain('score at least 80% in');
    });

    it('shows a stored pillar rule with its shape chosen', async () => {
      await saveRule(shapes[4]?.[1] ?? {});
      const form = await page(teacher, `/course/achievements/${target.id}/rule`);
      expect(form.html).toMatch(/id="shape-distinctGroups"[^>]*checked/);
      expect(form.html).toMatch(/id="field-groups"[^>]*value="2"/);
    });

    it.each([
      [
        'a score above 100 %',
        {
          shape: 'allOf',
          'conditions.0.kind': 'scoreAtLeast',
          'conditions.0.activity': FIELD_TRIP,
          'conditions.0.score': '150',
        },
        'conditions.0.score',
        'Condition 1, score needed in percent: give a percentage from 0 to 100; 150 is outside that range.',
      ],
      [
        'a score typed as a fraction (0.8 where 80 % was meant)',
        {
          shape: 'allOf',
          'conditions.0.kind': 'scoreAtLeast',
          'conditions.0.activity': FIELD_TRIP,
          'conditions.0.score': '0.8',
        },
        'conditions.0.score',
        'Condition 1, score needed in percent: 0.8 would mean 0.8 %, less than 1 %. Did you mean 80 %?',
      ],
      [
        'more conditions needed than listed',
        {
          shape: 'atLeast',
          count: '3',
          'conditions.0.kind': 'passed',
          'conditions.0.activity': FIELD_TRIP,
          'conditions.1.kind': 'passed',
          'conditions.1.activity': LAB,
        },
        'count',
        'so the rule could never be met (at rule.atLeast.n).',
      ],
      [
        'an activity that is not an IRI',
        {
          shape: 'anyOf',
          'conditions.0.kind': 'passed',
          'conditions.0.activity': FIELD_TRIP,
          'conditions.3.kind': 'completed',
          'conditions.3.activity': 'lab',
        },
        'conditions.3.activity',
        '(at rule.anyOf[1].completed).',
      ],
      ['no condition at all', { shape: 'allOf' }, 'conditions', 'Give at least one condition.'],
      [
        'JSON that does not parse',
        { shape: 'json', json: '{"passed": ' },
        'json',
        'This is not valid JSON.',
      ],
    ])(
      'refuses %s with 422 and the message on its field, keeping the stored rule',
      async (_name, fields, field, text) => {
        const before = await storedRule();
        const refused = await saveRule(fields);
        expect(refused.status).toBe(422);
        expect(refused.html).toContain(`id="error-${field}">`);
        expect(refused.html.slice(refused.html.indexOf(`id="error-${field}">`))).toContain(text);
        expect(await storedRule()).toEqual(before);
      },
    );
  });

  describe('refusals', () => {
    it('answers a learner with the 403 page', async () => {
      expect((await page(learner, '/course/achievements/new')).status).toBe(403);
      const posted = await postForm(learner, '/course/achievements', completeForm());
      expect(posted.status).toBe(403);
      expect(posted.html).toContain('This is not open to you');
    });

    it('answers without a launch with the 401 page', async () => {
      const response = await page(createBrowser(), '/course/achievements/new');
      expect(response.status).toBe(401);
    });

    it('refuses a form without its token with 403 and stores nothing', async () => {
      const before = await storedAchievements();
      const posted = await postMultipart(teacher, '/course/achievements', {
        ...completeForm(),
        name: 'Forged',
      });
      expect(posted.status).toBe(403);
      expect(await storedAchievements()).toEqual(before);
    });

    it('answers 404 for an achievement of no course of the teacher', async () => {
      const response = await page(
        teacher,
        '/course/achievements/00000000-0000-4000-8000-000000000000/edit',
      );
      expect(response.status).toBe(404);
    });
  });

  describe('the JSON API', () => {
    const postAchievement = (body: Record<string, unknown>) =>
      teacher.request(`${tool.url}/api/achievements`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ description: 'With an image.', criteria: 'Do it.', ...body }),
      });

    it('stores a data: URI SVG sanitized', async () => {
      const { response } = await postAchievement({
        name: 'API hostile SVG',
        image: dataUri('image/svg+xml', HOSTILE_SVG),
        rule: { passed: FIELD_TRIP },
      });
      expect(response.status).toBe(201);
      const stored = (await storedAchievements()).find((a) => a.name === 'API hostile SVG');
      expect(stored?.image).toBe(dataUri('image/svg+xml', HOSTILE_SVG_SANITIZED));
    });

    it('refuses a score threshold given in percent (scaled 80) with 400, naming its path', async () => {
      const before = await storedAchievements();
      const { response } = await postAchievement({
        name: 'API percent threshold',
        rule: { allOf: [{ passed: LAB }, { scoreAtLeast: { activity: FIELD_TRIP, scaled: 80 } }] },
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        error: {
          code: 'AWARD_RULE_INVALID',
          message: 'rule.allOf[1].scoreAtLeast.scaled must be at most 1',
        },
      });
      expect(await storedAchievements()).toEqual(before);
    });

    it('refuses a GIF in a data: URI claiming PNG with 400 BADGE_IMAGE_INVALID, storing nothing', async () => {
      const before = await storedAchievements();
      const { response } = await postAchievement({
        name: 'API GIF',
        image: dataUri('image/png', GIF),
        rule: { passed: FIELD_TRIP },
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        error: {
          code: 'BADGE_IMAGE_INVALID',
          message: 'image must be a PNG, JPEG or SVG image (this is GIF)',
        },
      });
      expect(await storedAchievements()).toEqual(before);
    });

    it('refuses an SVG in a data: URI claiming PNG', async () => {
      const { response } = await postAchievement({
        name: 'API mislabelled',
        image: dataUri('image/png', HOSTILE_SVG),
        rule: { passed: FIELD_TRIP },
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        error: {
          code: 'BADGE_IMAGE_INVALID',
          message: 'image claims image/png but holds an SVG image',
        },
      });
    });

    it('refuses a PATCH with a refused image, leaving the achievement as it was', async () => {
      const achievement = await createByApi('API patched image', { passed: FIELD_TRIP });
      const before = await storedAchievements();
      const { response } = await teacher.request(`${tool.url}/api/achievements/${achievement.id}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          name: 'API patched image',
          description: 'Changed.',
          criteria: 'Do it.',
          image: dataUri('image/png', pngDeclaring(100_000, 100_000)),
          rule: { passed: FIELD_TRIP },
        }),
      });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
        'BADGE_IMAGE_INVALID',
      );
      expect(await storedAchievements()).toEqual(before);
    });

    it('changes an achievement with PATCH /api/achievements/:id', async () => {
      const achievement = await createByApi('Patched', { passed: QUIZ });
      const { response } = await teacher.request(`${tool.url}/api/achievements/${achievement.id}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          name: 'Patched',
          description: 'Changed.',
          criteria: 'Do it.',
          rule: { completed: LAB },
        }),
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({
        description: 'Changed.',
        rule: { completed: LAB },
      });
    });
  });
});
