import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateIssuerProfile } from '../../src/badges/issuer-profile.js';
import { issuerProfiles } from '../../src/db/schema.js';
import type { Browser } from '../support/http-client.js';
import {
  ANNEX_I_ACHIEVEMENT,
  CIRCULAR_ECONOMY_QUIZ as QUIZ,
  createAchievementAs,
  ESCO_SKILL,
  ONLINE,
  startCourseWorld,
  WRITTEN_EXAM,
  type CourseWorld,
} from '../support/course-world.js';

const PROFILE = {
  name: 'Université Exemple',
  url: 'https://uni.example',
  email: 'credentials@uni.example',
  countryCode: 'FR',
  address: {
    streetAddress: '1 rue de l’Exemple',
    postalCode: '75005',
    addressLocality: 'Paris',
    addressRegion: 'Île-de-France',
    addressCountryCode: 'FR',
    addressCountry: 'France',
  },
  identifiers: [{ identifierType: 'ext:ErasmusCode', identifier: 'F PARIS001' }],
  parentOrg: { id: 'https://una-europa.example', name: 'Una Europa' },
};

const html = async (url: string, language = 'en') => {
  const response = await fetch(url, {
    headers: { accept: 'text/html', 'accept-language': language },
  });
  return { status: response.status, text: await response.text() };
};

/** The `<dd>` values of the element whose `<dt>` label is `label`. */
function elementValues(page: string, label: string): string[] {
  const start = page.indexOf(`<dt>${label}`);
  expect(start, `element "${label}"`).toBeGreaterThan(-1);
  const block = page.slice(start, page.indexOf('</div>', start));
  return [...block.matchAll(/<dd[^>]*>([\s\S]*?)<\/dd>/g)].map((m) => (m[1] ?? '').trim());
}

describe('the public credential page: GET /credentials/:id', () => {
  let world: CourseWorld;
  let teacher: Browser;
  let credentialUrl: string;
  let issuerPage: string;

  beforeAll(async () => {
    world = await startCourseWorld();
    const platform = await world.platform('registered');
    const { db } = world.tool.current().database;
    const [profile] = await db.select().from(issuerProfiles);
    await updateIssuerProfile(db, profile?.id ?? '', PROFILE);
    issuerPage = `/issuers/${profile?.id ?? ''}`;
    teacher = await platform.launch({ id: 'teacher-1' }, 'teacher');
    await createAchievementAs(teacher, world.tool.url, ANNEX_I_ACHIEVEMENT);
    const learner = await platform.launch(
      { id: 'learner-42', name: 'Marie Curie', email: 'marie@example.org' },
      'learner',
    );
    await platform.send('learner-42', [{ activity: QUIZ, verb: 'passed', scaled: 0.9 }]);
    const course = await (await learner.request(`${world.tool.url}/course`)).response.text();
    credentialUrl = `${world.tool.url}${/\/credentials\/[0-9a-f-]{36}/.exec(course)?.[0] ?? ''}`;
    expect(credentialUrl).toMatch(/\/credentials\/[0-9a-f-]{36}$/);
  }, 120_000);
  afterAll(() => world?.close());

  describe('a valid credential', () => {
    let page: string;
    beforeAll(async () => {
      const answer = await html(credentialUrl);
      expect(answer.status).toBe(200);
      page = answer.text;
    });

    it('names the issuer with a link to its page', () => {
      expect(page).toContain(`<a href="${issuerPage}">Université Exemple</a>`);
    });

    it('shows the learner’s name but never the hashed email', async () => {
      const signed = (await (await fetch(credentialUrl)).json()) as {
        credentialSubject: { identifier: { identityType: string; identityHash: string }[] };
      };
      const email = signed.credentialSubject.identifier.find(
        (identity) => identity.identityType === 'emailAddress',
      );
      expect(email?.identityHash).toMatch(/^sha256\$/);
      expect(page).not.toContain(email?.identityHash);
      expect(elementValues(page, 'Learner')).toEqual(['Marie Curie']);
      expect(page).not.toContain('sha256$');
      expect(page).not.toContain('marie@example.org');
    });

    it('shows every mandatory EU element with its value', () => {
      expect(elementValues(page, 'Title of the micro-credential')).toEqual([
        'Circular economy in practice',
      ]);
      expect(elementValues(page, 'Country and region of the issuer')).toEqual([
        'France',
        'Île-de-France',
      ]);
      expect(elementValues(page, 'Awarding body')).toEqual(
        expect.arrayContaining([
          `<a href="${issuerPage}">Université Exemple</a>`,
          'Member of Una Europa',
          'ErasmusCode: F PARIS001',
        ]),
      );
      expect(elementValues(page, 'Date of issuing')[0]).toMatch(/\d{4}/);
      expect(elementValues(page, 'Learning outcomes')).toEqual([
        'Maps the material flows of a product.',
        `<a href="${ESCO_SKILL}">ESCO skill: ${ESCO_SKILL}</a>`,
        'Proposes reuse and recycling loops.',
      ]);
      expect(elementValues(page, 'Notional workload')).toEqual(['3 ECTS credits', '75 hours']);
      expect(elementValues(page, 'Level')).toEqual([
        '<a href="http://data.europa.eu/snb/eqf/6">EQF level 6</a>',
      ]);
      expect(elementValues(page, 'Type of assessment')).toEqual([
        `<a href="${WRITTEN_EXAM}">Written examination</a>`,
        'A proctored online examination of 90 minutes.',
      ]);
      expect(elementValues(page, 'Form of participation')).toEqual([
        `<a href="${ONLINE}">Online</a>`,
      ]);
      expect(elementValues(page, 'Type of quality assurance')).toEqual([
        'Internal QA of the University, accredited by HCERES.',
        '<a href="https://uni.example/quality">https://uni.example/quality</a>',
      ]);
    });

    it('shows every optional EU element with its value', () => {
      expect(elementValues(page, 'Prerequisites')).toEqual([
        'A bachelor degree in engineering or economics.',
      ]);
      expect(elementValues(page, 'Supervision and identity verification')).toEqual([
        '<a href="http://data.europa.eu/snb/supervision-verification/70be69aaf9">Supervised, with identity verification (online or on site)</a>',
      ]);
      expect(elementValues(page, 'Grade')).toEqual(['90 %', 'Percentage of points; 80% passes.']);
      expect(elementValues(page, 'Integration and stackability')).toEqual([
        'Can be stacked with other credentials',
        'Counts toward the Una Europa sustainability certificate.',
        '<a href="https://una-europa.example/certificates/sustainability">Stacks into https://una-europa.example/certificates/sustainability</a>',
      ]);
      expect(elementValues(page, 'Field of education')).toEqual([
        'Environmental protection technology (ISCED-F 0712)',
      ]);
      expect(elementValues(page, 'Further information')).toEqual([
        'Offered each semester in English and German.',
        '<a href="https://uni.example/courses/circular-economy">https://uni.example/courses/circular-economy</a>',
      ]);
    });

    it('states validity and that it is not revoked', () => {
      expect(elementValues(page, 'Validity')[0]).toMatch(/^Valid from .+, without end date$/);
      expect(page).toContain('Valid: this credential has not been revoked.');
    });

    it('verifies both signed forms live and lists each check', () => {
      expect(page).toContain('Credential (JSON): verified');
      expect(page).toContain('Credential (JWT): verified');
      for (const check of ['Signature', 'Issuer', 'Revocation status', 'Schema']) {
        expect(page).toMatch(
          new RegExp(`<span class="check-outcome">Passed</span>\\s*<strong>${check}</strong>`),
        );
      }
    });

    it('speaks German in its labels, vocabulary terms and checks, keeping the credential’s texts', async () => {
      const german = (await html(credentialUrl, 'de-DE,de;q=0.9')).text;
      expect(german).toContain('<html lang="de">');
      expect(german).toContain('<dt>Lernergebnisse');
      expect(german).toContain(`<a href="${WRITTEN_EXAM}">Schriftliche Prüfung</a>`);
      expect(german).toContain('<strong>Signatur</strong>');
      expect(german).toMatch(
        /<strong>Gültigkeitszeitraum<\/strong>\s*<span class="check-reason">Gültig ab \d{1,2}\. \p{L}+ \d{4}, ohne Enddatum<\/span>/u,
      );
      expect(german).toContain(
        '<span class="check-reason">Nicht widerrufen (geprüft anhand der Statusliste des Ausstellers)</span>',
      );
      expect(german).toContain('<dd lang="en">Maps the material flows of a product.</dd>');
    });
  });

  it('shows the credential revoked, with the date and the reason, after the teacher revokes it', async () => {
    const id = credentialUrl.split('/').at(-1) ?? '';
    const revoked = await teacher.request(`${world.tool.url}/api/credentials/${id}/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'Issued to the wrong learner' }),
    });
    expect(revoked.response.status).toBe(200);
    const page = (await html(credentialUrl)).text;
    expect(page).toMatch(
      /<p><strong>Revoked on [^<]*\d{4}[^<]*: this credential is no longer valid\.<\/strong><\/p>/,
    );
    expect(page).toContain('<p>Reason given by the issuer: Issued to the wrong learner</p>');
    expect(page).not.toContain('Valid: this credential has not been revoked.');
    expect(page).toMatch(
      /<span class="check-outcome">Failed<\/span>\s*<strong>Revocation status<\/strong>\s*<span class="check-reason">Revoked on [^<]*\d{4}: Issued to the wrong learner<\/span>/,
    );
  });

  it('answers 404 with a page for a credential never issued', async () => {
    const answer = await html(`${world.tool.url}/credentials/00000000-0000-4000-8000-000000000000`);
    expect(answer.status).toBe(404);
    expect(answer.text).toContain('<html lang="en">');
  });

  describe('the issuer page: GET /issuers/:id', () => {
    it('shows the awarding body, its address, web site, email, DID and keys', async () => {
      const answer = await html(`${world.tool.url}${issuerPage}`);
      expect(answer.status).toBe(200);
      const page = answer.text;
      expect(page).toContain('<h1>Université Exemple</h1>');
      for (const line of ['1 rue de l’Exemple', '75005 Paris', 'Île-de-France', 'France']) {
        expect(page).toContain(`<span class="address-line">${line}</span>`);
      }
      expect(page).toContain('<a href="https://uni.example">https://uni.example</a>');
      expect(page).toContain(
        '<a href="mailto:credentials@uni.example">credentials@uni.example</a>',
      );
      expect(page).toContain('<dt>ErasmusCode</dt><dd>F PARIS001</dd>');
      const did = /<code>(did:web:[^<]+)<\/code>/.exec(page)?.[1] ?? '';
      expect(did).toMatch(new RegExp(`:issuers:${issuerPage.split('/').at(-1)}$`));
      expect(page).toMatch(
        new RegExp(
          `<code>${did}#[^<]+</code> <span class="muted">\\(Multikey, signs new credentials\\)`,
        ),
      );
      expect(page).toMatch(
        new RegExp(
          `<code>${did}#[^<]+</code> <span class="muted">\\(JsonWebKey, signs new credentials\\)`,
        ),
      );
      expect(page).toContain(`href="${issuerPage}/did.json"`);
      expect(page).toContain('How to verify a credential of this issuer');
    });

    it('answers 404 with a page for an unknown issuer', async () => {
      const answer = await html(`${world.tool.url}/issuers/nobody`);
      expect(answer.status).toBe(404);
      expect(answer.text).toContain('<html');
    });
  });
});
