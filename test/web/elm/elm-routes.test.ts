import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateIssuerProfile } from '../../../src/badges/issuer-profile.js';
import { awards, platforms, users } from '../../../src/db/schema.js';
import { createBrowser, type Browser } from '../../support/http-client.js';
import {
  ANNEX_I_ACHIEVEMENT,
  ANNEX_I_GERMAN,
  CIRCULAR_ECONOMY_QUIZ,
  createAchievementAs,
  startCourseWorld,
  type CourseWorld,
  type WorldPlatform,
} from '../../support/course-world.js';
import { LTI_ROLES } from '../../support/test-lms.js';
import { validateElm } from '../../elm/shacl.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The file name of an attachment download. */
function fileName(response: Response): string | undefined {
  return /^attachment; filename="?([^"]*)"?$/.exec(
    response.headers.get('content-disposition') ?? '',
  )?.[1];
}

const MARIE = { id: 'learner-42', name: 'Marie Curie', email: 'marie@example.org' };
const PIERRE = { id: 'learner-43', name: 'Pierre Curie', email: 'pierre@example.org' };

describe('ELM downloads: one credential for its learner, every credential of an achievement for its teacher', () => {
  let world: CourseWorld;
  let platform: WorldPlatform;
  let teacher: Browser;
  let learner: Browser;
  let achievementId: string;
  let marieAward: string;
  let pierreAward: string;
  let url: string;
  let issuerProfileId: string;

  beforeAll(async () => {
    world = await startCourseWorld();
    url = world.tool.url;
    platform = await world.platform('registered');
    const { db } = world.tool.current().database;
    const [registered] = await db
      .select({ issuerProfileId: platforms.issuerProfileId })
      .from(platforms)
      .where(eq(platforms.issuer, platform.lms.issuer));
    issuerProfileId = registered!.issuerProfileId;
    await updateIssuerProfile(db, issuerProfileId, {
      countryCode: 'FR',
      address: { addressLocality: 'Paris', addressRegion: 'Île-de-France' },
      identifiers: [{ identifierType: 'ext:ErasmusCode', identifier: 'F PARIS001' }],
    });

    teacher = await platform.launch({ id: 'teacher-1', name: 'Grace Hopper' }, 'teacher');
    achievementId = await createAchievementAs(teacher, url, {
      ...ANNEX_I_ACHIEVEMENT,
      eu: {
        ...ANNEX_I_ACHIEVEMENT.eu,
        translations: { de: ANNEX_I_GERMAN },
      },
    });
    learner = await platform.launch(MARIE, 'learner', { locale: 'de-DE' });
    await platform.launch(PIERRE, 'learner');
    await platform.send(MARIE.id, [
      { activity: CIRCULAR_ECONOMY_QUIZ, verb: 'passed', scaled: 0.9 },
    ]);
    await platform.send(PIERRE.id, [
      { activity: CIRCULAR_ECONOMY_QUIZ, verb: 'passed', scaled: 0.8 },
    ]);
    const awardOf = async (sub: string) => {
      const [row] = await db
        .select({ id: awards.id })
        .from(awards)
        .innerJoin(users, eq(users.id, awards.userId))
        .where(and(eq(awards.achievementId, achievementId), eq(users.sub, sub)));
      return row!.id;
    };
    [marieAward, pierreAward] = await Promise.all([awardOf(MARIE.id), awardOf(PIERRE.id)]);
  }, 120_000);

  afterAll(async () => {
    await world?.close();
  });

  it('lets the learner download the unsigned ELM document of their credential', async () => {
    const { response } = await learner.request(`${url}/credentials/${marieAward}/elm`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/ld\+json/);
    expect(fileName(response)).toBe(
      `Kreislaufwirtschaft-in-der-Praxis-${marieAward.slice(0, 8)}-elm.jsonld`,
    );
    const document = (await response.json()) as Json;
    expect(document).toMatchObject({
      id: `urn:credential:${marieAward}`,
      type: ['VerifiableCredential', 'EuropeanDigitalCredential'],
      credentialSubject: {
        type: 'Person',
        fullName: { en: 'Marie Curie' },
        identifier: { notation: MARIE.id, schemeId: platform.lms.issuer },
        hasClaim: {
          title: { en: ANNEX_I_ACHIEVEMENT.name, de: 'Kreislaufwirtschaft in der Praxis' },
          provenBy: { grade: { noteLiteral: { en: '90%' } } },
        },
      },
      issuer: {
        legalName: { en: 'University of Example' },
        location: { address: { countryCode: { prefLabel: { en: 'France' } } } },
      },
    });
    // A public link: the learner's e-mail address stays out.
    expect(JSON.stringify(document)).not.toContain(MARIE.email);
    const found = await validateElm(document);
    expect(found.map((violation) => violation.path).sort()).toEqual(['cred:issued', 'cred:issuer']);
    expect(found.find((violation) => violation.path === 'cred:issuer')?.detail[0]?.path).toBe(
      'elm:eidasLegalIdentifier',
    );
  }, 30_000);

  it('serves the same document to anyone holding the credential’s public link', async () => {
    const response = await fetch(`${url}/credentials/${marieAward}/elm`);
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(((await response.json()) as Json).id).toBe(`urn:credential:${marieAward}`);
  });

  it('lets the teacher download every credential of the achievement for the EDC Issuer', async () => {
    const { response } = await teacher.request(
      `${url}/course/achievements/${achievementId}/elm-export`,
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(fileName(response)).toBe('Circular-economy-in-practice-elm.json');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const entries = (await response.json()) as { credential: Json }[];
    expect(entries.map((entry) => Object.keys(entry))).toEqual([['credential'], ['credential']]);
    const byId = new Map(entries.map((entry) => [entry.credential.id, entry.credential]));
    const marie = byId.get(`urn:credential:${marieAward}`);
    expect(byId.has(`urn:credential:${pierreAward}`)).toBe(true);
    // With the e-mail address EDC delivers the sealed credential to.
    expect(marie?.credentialSubject.contactPoint.emailAddress.id).toBe(`mailto:${MARIE.email}`);
    const single = (await (await fetch(`${url}/credentials/${marieAward}/elm`)).json()) as Json;
    const { contactPoint: _contactPoint, ...subject } = marie!.credentialSubject;
    expect({ ...marie, credentialSubject: subject }).toEqual(single);
    const found = await validateElm(marie);
    expect(found.map((violation) => violation.path).sort()).toEqual(['cred:issued', 'cred:issuer']);

    const version = await teacher.request(
      `${url}/course/achievements/${achievementId}/elm-export?version=1`,
    );
    expect(fileName(version.response)).toBe('Circular-economy-in-practice-v1-elm.json');
    expect(((await version.response.json()) as unknown[]).length).toBe(2);
  }, 30_000);

  it('refuses the bulk export to a learner (403) and to someone without a session (401)', async () => {
    const { response } = await learner.request(
      `${url}/course/achievements/${achievementId}/elm-export`,
    );
    expect(response.status).toBe(403);
    const anonymous = await fetch(`${url}/course/achievements/${achievementId}/elm-export`);
    expect(anonymous.status).toBe(401);
  });

  it('answers 404 with a message for unknown credentials, achievements and versions', async () => {
    const json = { headers: { accept: 'application/json' } };
    for (const path of [`/credentials/${randomUUID()}/elm`, '/credentials/not-an-id/elm']) {
      const response = await fetch(`${url}${path}`, json);
      expect(response.status, path).toBe(404);
      expect(((await response.json()) as Json).error.message).toMatch(/No credential with id/);
    }
    for (const path of [
      `/course/achievements/${randomUUID()}/elm-export`,
      `/course/achievements/${achievementId}/elm-export?version=7`,
    ]) {
      const { response } = await teacher.request(`${url}${path}`, json);
      expect(response.status, path).toBe(404);
      expect(((await response.json()) as Json).error.message).toMatch(/No (achievement|version)/);
    }
    const bad = await teacher.request(
      `${url}/course/achievements/${achievementId}/elm-export?version=one`,
      json,
    );
    expect(bad.response.status).toBe(400);
  });

  it('hides the achievement from a teacher of another course (404)', async () => {
    const other = createBrowser();
    await platform.lms.launch({
      browser: other,
      user: { id: 'teacher-2', name: 'Ada Lovelace' },
      roles: [LTI_ROLES.instructor],
      context: { id: 'another-course', title: 'Another course' },
    });
    const { response } = await other.request(
      `${url}/course/achievements/${achievementId}/elm-export`,
    );
    expect(response.status).toBe(404);
  });

  it('leaves revoked credentials out of the bulk export and refuses their download (409)', async () => {
    const revoked = await teacher.request(`${url}/api/credentials/${pierreAward}/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'Exam irregularity' }),
    });
    expect(revoked.response.status).toBe(200);
    const { response } = await teacher.request(
      `${url}/course/achievements/${achievementId}/elm-export`,
    );
    const entries = (await response.json()) as { credential: Json }[];
    expect(entries.map((entry) => entry.credential.id)).toEqual([`urn:credential:${marieAward}`]);
    const single = await fetch(`${url}/credentials/${pierreAward}/elm`, {
      headers: { accept: 'application/json' },
    });
    expect(single.status).toBe(409);
    expect(((await single.json()) as Json).error).toMatchObject({
      code: 'CREDENTIAL_REVOKED',
      message: expect.stringMatching(/revoked/),
    });
  });

  it('answers 409 while the awarding body states no country, which EDC requires', async () => {
    await updateIssuerProfile(world.tool.current().database.db, issuerProfileId, {
      countryCode: null,
      address: null,
    });
    const json = { headers: { accept: 'application/json' } };
    const single = await fetch(`${url}/credentials/${marieAward}/elm`, json);
    const bulk = await teacher.request(
      `${url}/course/achievements/${achievementId}/elm-export`,
      json,
    );
    for (const response of [single, bulk.response]) {
      expect(response.status).toBe(409);
      expect(((await response.json()) as Json).error.code).toBe('ELM_ISSUER_COUNTRY_MISSING');
    }
  });
});
