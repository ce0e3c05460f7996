import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateIssuerProfile } from '../../src/badges/issuer-profile.js';
import { issuerProfiles } from '../../src/db/schema.js';
import type { Browser } from '../support/http-client.js';
import {
  ANNEX_I_ACHIEVEMENT,
  ANNEX_I_GERMAN,
  CIRCULAR_ECONOMY_QUIZ as QUIZ,
  createAchievementAs,
  startCourseWorld,
  type CourseWorld,
} from '../support/course-world.js';
import { csrfTokenOf } from './teacher-course-world.js';

/**
 * The pages that show the EU micro-credential elements, for an achievement with all of them
 * set, against pages recorded before the elements became one table: the teacher's form (filled,
 * and answering a post with every element wrong) and the public credential page. What differs
 * from run to run (ids, form tokens, the port, dates) is replaced by placeholders.
 */
const SNAPSHOTS = '../__snapshots__/eu-elements';

function stable(html: string, toolUrl: string): string {
  return html
    .replaceAll(toolUrl, 'http://tool')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>')
    .replace(/name="_csrf" value="[^"]+"/g, 'name="_csrf" value="<token>"')
    .replace(/\d{1,2} [A-Z][a-z]+ \d{4}|[A-Z][a-z]+ \d{1,2}, \d{4}/g, '<date>')
    .replace(/data:image\/(png|svg\+xml);base64,[A-Za-z0-9+/=]+/g, 'data:image/$1;base64,<image>')
    .replace(/127\.0\.0\.1%3A\d+/g, 'tool')
    .replace(/#[A-Za-z0-9_-]{43}\b/g, '#<key>');
}

describe('the pages of the EU micro-credential elements', () => {
  let world: CourseWorld;
  let teacher: Browser;
  let achievementId: string;
  let credentialUrl: string;

  const html = async (browser: Browser | null, path: string, init: RequestInit = {}) => {
    const url = `${world.tool.url}${path}`;
    const headers = { accept: 'text/html', 'accept-language': 'en' };
    const response = browser
      ? (await browser.request(url, { ...init, headers })).response
      : await fetch(url, { ...init, headers });
    return stable(await response.text(), world.tool.url);
  };

  beforeAll(async () => {
    world = await startCourseWorld();
    const platform = await world.platform('registered');
    const { db } = world.tool.current().database;
    const [profile] = await db.select().from(issuerProfiles);
    await updateIssuerProfile(db, profile?.id ?? '', {
      name: 'Université Exemple',
      url: 'https://uni.example',
      countryCode: 'FR',
      address: { addressRegion: 'Île-de-France', addressCountryCode: 'FR' },
    });
    teacher = await platform.launch({ id: 'teacher-1' }, 'teacher');
    achievementId = await createAchievementAs(teacher, world.tool.url, {
      ...ANNEX_I_ACHIEVEMENT,
      eu: { ...ANNEX_I_ACHIEVEMENT.eu, translations: { de: ANNEX_I_GERMAN } },
    });
    const learner = await platform.launch({ id: 'learner-42', name: 'Marie Curie' }, 'learner');
    await platform.send('learner-42', [{ activity: QUIZ, verb: 'passed', scaled: 0.9 }]);
    const course = await (await learner.request(`${world.tool.url}/course`)).response.text();
    credentialUrl = /\/credentials\/[0-9a-f-]{36}/.exec(course)?.[0] ?? '';
    expect(credentialUrl).not.toBe('');
  }, 120_000);
  afterAll(() => world?.close());

  it('the teacher’s form filled with every element', async () => {
    await expect(
      await html(teacher, `/course/achievements/${achievementId}/edit`),
    ).toMatchFileSnapshot(`${SNAPSHOTS}/form-page.html`);
  });

  it('the teacher’s form answering a post with every element wrong', async () => {
    const edit = `/course/achievements/${achievementId}/edit`;
    const { response } = await teacher.request(`${world.tool.url}${edit}`, {
      headers: { accept: 'text/html' },
    });
    const body = new FormData();
    for (const [name, value] of Object.entries({
      _csrf: csrfTokenOf(await response.text()),
      name: '',
      description: 'D',
      criteria: 'C',
      ects: 'three',
      eqfLevel: 'http://data.europa.eu/snb/eqf/9',
      workloadHours: '-1',
      assessmentType: 'http://example.org/exam',
      participationForm: 'http://example.org/online',
      qualityAssuranceUrl: 'ftp://uni.example',
      supervision: 'watched',
      stackabilityDescription: 'Stacks.',
      stacksInto: 'not a url',
      furtherInformationUrl: 'mailto:a@b.example',
      'outcomes.0.text': 'Knows.',
      'outcomes.0.escoSkills': 'http://example.org/skill',
      'translations.0.language': 'Deutsch',
      'translations.0.name': 'N',
      'translations.0.description': 'D',
    })) {
      body.append(name, value);
    }
    const page = await html(teacher, `/course/achievements/${achievementId}`, {
      method: 'POST',
      body,
    });
    expect(page).toContain('error-summary');
    await expect(page).toMatchFileSnapshot(`${SNAPSHOTS}/form-page-errors.html`);
  });

  it('the public credential page', async () => {
    await expect(await html(null, credentialUrl)).toMatchFileSnapshot(
      `${SNAPSHOTS}/credential-page.html`,
    );
  });
});
