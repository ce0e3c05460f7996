import { eq } from 'drizzle-orm';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateAchievement } from '../../src/awards/create-achievement.js';
import { indexAchievementRule } from '../../src/awards/rule-index.js';
import type { DidDocument } from '../../src/badges/did-web.js';
import { updateIssuerProfile } from '../../src/badges/issuer-profile.js';
import { rotateIssuerKeys } from '../../src/badges/rotate-issuer-keys.js';
import { createXapiCredentialsCommand } from '../../src/cli/xapi-credentials.js';
import { achievements, awards, issuerProfiles } from '../../src/db/schema.js';
import { registerPlatform } from '../../src/lti/platform-registry.js';
import { dataUri, HOSTILE_SVG, HOSTILE_SVG_SANITIZED } from '../support/badge-images.js';
import { createBrowser, type Browser } from '../support/http-client.js';
import {
  ANNEX_I_ACHIEVEMENT,
  createAchievementAs,
  ANNEX_I_GERMAN,
  CIRCULAR_ECONOMY_QUIZ as QUIZ,
  ESCO_SKILL,
  ONLINE,
  WRITTEN_EXAM,
} from '../support/course-world.js';
import {
  validateAgainstOfficialSchema,
  verifyDataIntegrity,
} from '../support/independent-verifier.js';
import { platformXapiAuthorization, postStatements } from '../support/platform-xapi.js';
import { LTI_ROLES, startTestLms, type TestLms } from '../support/test-lms.js';
import { startTestTool, type TestTool } from '../support/test-tool.js';

const COURSE = { id: 'circular-economy-2026', title: 'Circular economy' };
const LEARNER = { id: 'learner-42', name: 'Marie Curie', email: 'marie@example.org' };

/** An achievement with every Annex I element, mandatory and optional, and a German text. */
const ACHIEVEMENT = {
  ...ANNEX_I_ACHIEVEMENT,
  eu: {
    ...ANNEX_I_ACHIEVEMENT.eu,
    translations: { de: ANNEX_I_GERMAN },
  },
};

const PROFILE = {
  name: 'Université Exemple',
  description: 'A public research university.',
  countryCode: 'FR',
  address: {
    addressLocality: 'Paris',
    addressRegion: 'Île-de-France',
    addressCountryCode: 'FR',
    addressCountry: 'France',
  },
  identifiers: [
    { identifierType: 'ext:ErasmusCode', identifier: 'F PARIS001' },
    { identifierType: 'ext:PIC', identifier: '999876543' },
    { identifierType: 'ext:ROR', identifier: 'https://ror.org/00example' },
  ],
  parentOrg: { id: 'https://una-europa.example', name: 'Una Europa' },
};

type Credential = Record<string, unknown> & {
  id: string;
  issuer: { id: string };
  validFrom: string;
  credentialSubject: {
    id: string;
    achievement: Record<string, unknown> & { microCredential: Record<string, unknown> };
  };
  credentialStatus: { statusListCredential: string; statusListIndex: string };
};

function passing(id: string, homePage: string) {
  return {
    id,
    actor: { objectType: 'Agent', account: { homePage, name: LEARNER.id } },
    verb: { id: 'http://adlnet.gov/expapi/verbs/passed', display: { 'en-US': 'passed' } },
    object: { objectType: 'Activity', id: QUIZ },
    result: { score: { scaled: 0.9 }, success: true, completion: true },
    timestamp: '2026-11-28T10:00:00Z',
  };
}

/** Reads the PNG's chunks the way a wallet would, without our code. */
function textChunks(png: Buffer): { keyword: string; compressed: number; text: string }[] {
  const found = [];
  for (let at = 8; at < png.length;) {
    const length = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    if (type === 'iTXt') {
      const data = png.subarray(at + 8, at + 8 + length);
      const keywordEnd = data.indexOf(0);
      const languageEnd = data.indexOf(0, keywordEnd + 3);
      const translatedEnd = data.indexOf(0, languageEnd + 1);
      found.push({
        keyword: data.toString('latin1', 0, keywordEnd),
        compressed: data[keywordEnd + 1] ?? -1,
        text: data.subarray(translatedEnd + 1).toString('utf8'),
      });
    }
    at += 12 + length;
  }
  return found;
}

describe('issued micro-credentials: every EU element, four formats, public page, revocation', () => {
  let tool: TestTool;
  let lms: TestLms;
  let teacher: Browser;
  let credentialUrl: string;
  let credential: Credential;
  let achievementId: string;
  let didDocument: DidDocument;
  let extensionContext: Record<string, unknown>;

  beforeAll(async () => {
    [tool, lms] = await Promise.all([startTestTool(), startTestLms()]);
    await registerPlatform(tool.current().database.db, {
      issuer: lms.issuer,
      clientId: lms.clientId,
      deploymentId: lms.deploymentId,
      authUrl: lms.authUrl,
      tokenUrl: lms.tokenUrl,
      jwksUrl: lms.jwksUrl,
      trustLevel: 'registered',
      awardingBody: 'University of Example',
    });
    lms.setToolEndpoints({
      loginUrl: `${tool.url}/lti/login`,
      launchUrl: `${tool.url}/lti/launch`,
    });
    lms.setToolJwksUrl(`${tool.url}/lti/keys`);
    const { db } = tool.current().database;
    const [profile] = await db.select().from(issuerProfiles);
    await updateIssuerProfile(db, profile?.id ?? '', PROFILE);

    teacher = createBrowser();
    await lms.launch({
      browser: teacher,
      user: { id: 'teacher-1', name: 'Grace Hopper' },
      roles: [LTI_ROLES.instructor],
      context: COURSE,
    });
    achievementId = await createAchievementAs(teacher, tool.url, ACHIEVEMENT);

    const learner = createBrowser();
    await lms.launch({
      browser: learner,
      user: LEARNER,
      roles: [LTI_ROLES.learner],
      context: COURSE,
      locale: 'de-DE',
    });
    let printed = '';
    await createXapiCredentialsCommand({
      db,
      name: 'LMS logstore',
      platformId: lms.issuer,
      publicUrl: tool.url,
      out: (line) => (printed = line),
    });
    const { key, secret } = JSON.parse(printed) as { key: string; secret: string };
    const posted = await fetch(`${tool.url}/xapi/statements`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`,
        'content-type': 'application/json',
        'x-experience-api-version': '2.0.0',
      },
      body: JSON.stringify(passing('2b0c2f5e-0a55-4a8e-9d63-5a3e8e0f4c21', lms.issuer)),
    });
    expect(posted.status).toBe(200);
    await tool.current().outbox.drain();
    const page = await (await learner.request(`${tool.url}/course`)).response.text();
    const link = page.match(/\/credentials\/[0-9a-f-]{36}/)?.[0];
    expect(link).toBeDefined();
    credentialUrl = `${tool.url}${link}`;
    credential = (await (await fetch(credentialUrl)).json()) as Credential;
    didDocument = (await (
      await fetch(`${tool.url}/issuers/${credential.issuer.id.split(':').at(-1)}/did.json`)
    ).json()) as DidDocument;
    const contextUrl = (credential['@context'] as string[])[3] ?? '';
    extensionContext = (await (await fetch(contextUrl)).json()) as Record<string, unknown>;
  }, 60_000);

  afterAll(async () => {
    await Promise.all([tool?.close(), lms?.close()]);
  });

  it('carries every EU element in OB 3.0 fields, EU vocabulary alignments and our extension', () => {
    const achievement = credential.credentialSubject.achievement;
    expect(achievement).toMatchObject({
      achievementType: 'MicroCredential',
      creditsAvailable: 3,
      fieldOfStudy: 'Environmental protection technology (ISCED-F 0712)',
    });
    const targets = (achievement.alignment as { targetUrl: string }[]).map((a) => a.targetUrl);
    expect(targets).toEqual(
      expect.arrayContaining([
        'http://data.europa.eu/snb/eqf/6',
        'http://data.europa.eu/snb/education-credit/6fcec5c5af',
        WRITTEN_EXAM,
        ONLINE,
        ESCO_SKILL,
      ]),
    );
    expect(achievement.microCredential).toEqual({
      type: 'EuMicroCredential',
      learningOutcome: [
        {
          type: 'LearningOutcome',
          outcome: 'Erfasst die Materialflüsse eines Produkts.',
          escoSkill: [ESCO_SKILL],
        },
        { type: 'LearningOutcome', outcome: 'Proposes reuse and recycling loops.' },
      ],
      ectsCredits: 3,
      workloadHours: 75,
      eqfLevel: 'http://data.europa.eu/snb/eqf/6',
      assessmentType: WRITTEN_EXAM,
      assessmentDescription: 'A proctored online examination of 90 minutes.',
      participationForm: ONLINE,
      qualityAssurance: 'Internal QA of the University, accredited by HCERES.',
      qualityAssuranceUrl: 'https://uni.example/quality',
      prerequisites: 'A bachelor degree in engineering or economics.',
      supervisionAndIdentityVerification: 'supervised-id',
      supervisionAndIdentityVerificationUri:
        'http://data.europa.eu/snb/supervision-verification/70be69aaf9',
      gradingScheme: 'Percentage of points; 80% passes.',
      isStackable: true,
      stackabilityDescription: 'Counts toward the Una Europa sustainability certificate.',
      stacksInto: ['https://una-europa.example/certificates/sustainability'],
      furtherInformation: 'Offered each semester in English and German.',
      furtherInformationUrl: 'https://uni.example/courses/circular-economy',
      issuerCountry: 'FR',
      issuerRegion: 'Île-de-France',
    });
    expect(credential.issuer).toMatchObject({
      name: 'Université Exemple',
      address: { addressRegion: 'Île-de-France', addressCountryCode: 'FR' },
      otherIdentifier: expect.arrayContaining([
        { type: 'IdentifierEntry', identifierType: 'ext:ErasmusCode', identifier: 'F PARIS001' },
      ]),
      parentOrg: { name: 'Una Europa' },
    });
    expect(credential.credentialSubject).toMatchObject({
      creditsEarned: 3,
      result: [{ value: '90' }],
    });
    expect(JSON.stringify(credential.credentialSubject)).toContain('Marie Curie');
  });

  it("is issued in the learner's language, marked with inLanguage", () => {
    expect(credential.credentialSubject.achievement).toMatchObject({
      inLanguage: 'de',
      name: 'Kreislaufwirtschaft in der Praxis',
    });
  });

  it('lists the OB schema and ours, both served, and the extension context is served', async () => {
    const schemas = credential.credentialSchema as { id: string }[];
    expect(schemas.map((schema) => schema.id)).toEqual([
      'https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json',
      `${tool.url}/schemas/microcredential-v1.json`,
    ]);
    expect((await fetch(`${tool.url}/schemas/microcredential-v1.json`)).status).toBe(200);
    expect(extensionContext['@context']).toHaveProperty('microCredential');
  });

  it('validates against the official schema and verifies with @digitalbazaar/vc (JSON)', async () => {
    expect(validateAgainstOfficialSchema(credential).errors).toBeNull();
    const result = await verifyDataIntegrity(credential, didDocument);
    expect(result.verified).toBe(true);
  });

  it('downloads a VC-JWT that verifies with jose against the published JWKS, with the OB claims', async () => {
    const response = await fetch(credentialUrl.replace(/$/, '.jwt'));
    expect(response.headers.get('content-type')).toContain('application/jwt');
    const jwt = await response.text();
    const jwks = (await (await fetch(`${tool.url}/.well-known/jwks.json`)).json()) as JSONWebKeySet;
    const { payload, protectedHeader } = await jwtVerify(jwt, createLocalJWKSet(jwks), {
      algorithms: ['ES256'],
    });
    expect(protectedHeader.kid?.startsWith(`${credential.issuer.id}#`)).toBe(true);
    expect(didDocument.verificationMethod.map((method) => method.id)).toContain(
      protectedHeader.kid,
    );
    expect(payload).toMatchObject({
      iss: credential.issuer.id,
      jti: credential.id,
      sub: credential.credentialSubject.id,
      nbf: Date.parse(credential.validFrom) / 1000,
    });
    const { iss: _i, jti: _j, sub: _s, nbf: _n, iat: _t, ...vc } = payload;
    expect(validateAgainstOfficialSchema(vc).errors).toBeNull();
  });

  it('downloads a PNG with exactly one uncompressed openbadgecredential iTXt chunk', async () => {
    const png = Buffer.from(await (await fetch(`${credentialUrl}.png`)).arrayBuffer());
    const chunks = textChunks(png).filter((chunk) => chunk.keyword === 'openbadgecredential');
    expect(chunks).toHaveLength(1);
    expect(chunks[0]?.compressed).toBe(0);
    const baked = JSON.parse(chunks[0]?.text ?? '') as Record<string, unknown>;
    expect(baked).toEqual(credential);
    expect(validateAgainstOfficialSchema(baked).errors).toBeNull();
    expect((await verifyDataIntegrity(baked, didDocument)).verified).toBe(true);
  });

  it('downloads an SVG with the credential in an openbadges:credential element', async () => {
    const svg = await (await fetch(`${credentialUrl}.svg`)).text();
    expect(svg).toContain('xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"');
    const cdata = /<openbadges:credential><!\[CDATA\[([\s\S]*?)\]\]><\/openbadges:credential>/.exec(
      svg,
    );
    const baked = JSON.parse(cdata?.[1] ?? '') as Record<string, unknown>;
    expect(baked).toEqual(credential);
    expect(validateAgainstOfficialSchema(baked).errors).toBeNull();
    expect((await verifyDataIntegrity(baked, didDocument)).verified).toBe(true);
  });

  it('serves badge images with their exact type, never sniffed, under a policy without scripts', async () => {
    const imagePolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox";
    const achievementImage = `${String(credential.credentialSubject.achievement.id)}/image.svg`;
    for (const [url, type, download] of [
      [`${credentialUrl}.svg`, 'image/svg+xml', /^attachment; filename=.+\.svg/],
      [`${credentialUrl}.svg?proof=jwt`, 'image/svg+xml', /^attachment; filename=.+\.svg/],
      [`${credentialUrl}.png`, 'image/png', /^attachment; filename=.+\.png/],
      [achievementImage, 'image/svg+xml', null],
      [achievementImage.replace(/svg$/, 'png'), 'image/png', null],
    ] as const) {
      const { headers } = await fetch(url);
      expect({
        url,
        type: headers.get('content-type'),
        sniffing: headers.get('x-content-type-options'),
        policy: headers.get('content-security-policy'),
      }).toEqual({ url, type, sniffing: 'nosniff', policy: imagePolicy });
      if (download) expect(headers.get('content-disposition')).toMatch(download);
      else expect(headers.get('content-disposition')).toBeNull();
    }
  });

  describe('a credential whose achievement image was stored before images were checked', () => {
    const SECOND_QUIZ = `${QUIZ}-2`;
    let hostileUrl: string;
    let imageUrl: string;

    beforeAll(async () => {
      const { db } = tool.current().database;
      const [first] = await db
        .select({ courseId: achievements.courseId })
        .from(achievements)
        .where(eq(achievements.id, achievementId));
      const [stored] = await db
        .insert(achievements)
        .values({
          courseId: first?.courseId ?? '',
          name: 'Stored before the checks',
          description: 'Its image was written to the database before images were checked.',
          criteria: 'Pass the second quiz.',
          image: dataUri('image/svg+xml', HOSTILE_SVG),
          rule: { passed: SECOND_QUIZ },
          publishedAt: new Date(),
        })
        .returning();
      if (!stored) throw new Error('the achievement was not stored');
      await indexAchievementRule(db, stored);
      const posted = await postStatements(tool, await platformXapiAuthorization(tool, lms), {
        ...passing('7c1d5a0e-3b8f-4c2a-9e61-0d4b7f2a9c10', lms.issuer),
        object: { objectType: 'Activity', id: SECOND_QUIZ },
      });
      expect(posted.status).toBe(200);
      await tool.current().outbox.drain();
      const [award] = await db
        .select({ id: awards.id })
        .from(awards)
        .where(eq(awards.achievementId, stored?.id ?? ''));
      hostileUrl = `${tool.url}/credentials/${award?.id}`;
      imageUrl = `${tool.url}/achievements/${stored?.id}/versions/1/image.svg`;
    }, 60_000);

    it('carries the image as it was stored, signed in the credential', async () => {
      const signed = (await (await fetch(hostileUrl)).json()) as Credential;
      expect(signed.credentialSubject.achievement.image).toEqual({
        id: dataUri('image/svg+xml', HOSTILE_SVG),
        type: 'Image',
      });
    });

    it('bakes it into SVG downloads as the inert drawing, with the credential alone beside it', async () => {
      const signed = (await (await fetch(hostileUrl)).json()) as Credential;
      const inert = HOSTILE_SVG_SANITIZED.replace(
        '<svg ',
        '<svg xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0" ',
      );
      for (const proof of ['', '?proof=jwt']) {
        const baked = await (await fetch(`${hostileUrl}.svg${proof}`)).text();
        const element = /<openbadges:credential\b[\s\S]*?<\/openbadges:credential>/.exec(baked);
        expect(baked.replace(element?.[0] ?? '', '')).toBe(inert);
      }
      const baked = await (await fetch(`${hostileUrl}.svg`)).text();
      const cdata = /<!\[CDATA\[([\s\S]*?)\]\]>/.exec(baked);
      expect(JSON.parse(cdata?.[1] ?? '')).toEqual(signed);
    });

    it('serves the achievement image as the inert drawing', async () => {
      expect(await (await fetch(imageUrl)).text()).toBe(HOSTILE_SVG_SANITIZED);
    });
  });

  it('shows people a page with every EU element in plain words', async () => {
    const response = await fetch(credentialUrl, { headers: { accept: 'text/html' } });
    expect(response.headers.get('content-type')).toContain('text/html');
    const html = await response.text();
    for (const words of [
      'Marie Curie',
      'Kreislaufwirtschaft in der Praxis',
      'Île-de-France',
      'Université Exemple',
      'Member of Una Europa',
      'ErasmusCode: F PARIS001',
      'Date of issuing',
      'Erfasst die Materialflüsse eines Produkts.',
      '3 ECTS credits',
      '75 hours',
      'EQF level 6',
      'Written examination',
      'Online',
      'Internal QA of the University, accredited by HCERES.',
      'A bachelor degree in engineering or economics.',
      'Supervised, with identity verification',
      '90 %',
      'Can be stacked with other credentials',
      'Offered each semester in English and German.',
      'Valid: this credential has not been revoked.',
      'Credential (JSON): verified',
    ]) {
      expect(html).toContain(words.replaceAll("'", '&#39;'));
    }
  });

  it('answers machines with the credential JSON on the same URL', async () => {
    const response = await fetch(credentialUrl, { headers: { accept: 'application/json' } });
    expect(response.headers.get('content-type')).toContain('application/vc+ld+json');
    expect(await response.json()).toEqual(credential);
  });

  it('POST /verify verifies the JSON, the JWT, the PNG and the SVG', async () => {
    const jwt = await (await fetch(`${credentialUrl}.jwt`)).text();
    const bodies: [string, string | Buffer][] = [
      ['application/json', JSON.stringify(credential)],
      ['application/jwt', jwt],
      ['image/png', Buffer.from(await (await fetch(`${credentialUrl}.png`)).arrayBuffer())],
      ['image/svg+xml', await (await fetch(`${credentialUrl}.svg?proof=jwt`)).text()],
    ];
    for (const [type, body] of bodies) {
      const report = (await (
        await fetch(`${tool.url}/verify`, {
          method: 'POST',
          headers: { 'content-type': type },
          body,
        })
      ).json()) as { verified: boolean; checks: { check: string; outcome: string }[] };
      expect({ type, failed: report.checks.filter((c) => c.outcome === 'failed') }).toEqual({
        type,
        failed: [],
      });
      expect(report.verified).toBe(true);
    }
  });

  it('revokes with a reason: the signed status list and /verify show it at once; reinstating undoes it', async () => {
    const id = credential.id.replace('urn:uuid:', '');
    const verify = async () =>
      (await (
        await fetch(`${tool.url}/verify`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(credential),
        })
      ).json()) as {
        verified: boolean;
        checks: { check: string; outcome: string; reason: string }[];
      };

    const revoked = await teacher.request(`${tool.url}/api/credentials/${id}/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'Exam irregularity confirmed by the board' }),
    });
    expect(revoked.response.status).toBe(200);
    const afterRevoke = await verify();
    expect(afterRevoke.verified).toBe(false);
    expect(afterRevoke.checks.find((check) => check.check === 'status')).toMatchObject({
      outcome: 'failed',
      reason: expect.stringContaining('Exam irregularity confirmed by the board'),
    });
    const list = (await (await fetch(credential.credentialStatus.statusListCredential)).json()) as {
      credentialSubject: { encodedList: string };
    } & Record<string, unknown>;
    expect((await verifyDataIntegrity(list, didDocument)).verified).toBe(true);
    const bits = await import('node:zlib').then((zlib) =>
      zlib.gunzipSync(Buffer.from(list.credentialSubject.encodedList.slice(1), 'base64url')),
    );
    const index = Number(credential.credentialStatus.statusListIndex);
    expect((bits[index >> 3] ?? 0) & (0x80 >> (index & 7))).not.toBe(0);
    const page = await (await fetch(credentialUrl, { headers: { accept: 'text/html' } })).text();
    expect(page).toContain('Exam irregularity confirmed by the board');

    const reinstated = await teacher.request(`${tool.url}/api/credentials/${id}/reinstate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'Appeal upheld' }),
    });
    expect(reinstated.response.status).toBe(200);
    expect((await verify()).verified).toBe(true);
  });

  it('shows the verification report behind the verify button, for both proofs', async () => {
    const response = await fetch(`${credentialUrl}/verification`, {
      headers: { accept: 'application/json' },
    });
    const reports = (await response.json()) as {
      json: { verified: boolean };
      jwt: { verified: boolean };
    };
    expect(reports.json.verified).toBe(true);
    expect(reports.jwt.verified).toBe(true);
    const page = await (await fetch(`${credentialUrl}/verification`)).text();
    expect(page).toContain('Credential (JSON): verified');
  });

  it('bakes the VC-JWT into the PNG on request, and it verifies with jose', async () => {
    const png = Buffer.from(await (await fetch(`${credentialUrl}.png?proof=jwt`)).arrayBuffer());
    const [chunk] = textChunks(png).filter((entry) => entry.keyword === 'openbadgecredential');
    const jwks = (await (await fetch(`${tool.url}/.well-known/jwks.json`)).json()) as JSONWebKeySet;
    const { payload } = await jwtVerify(chunk?.text ?? '', createLocalJWKSet(jwks));
    expect(payload.jti).toBe(credential.id);
  });

  it('keeps old credentials verifiable after the issuer keys are rotated', async () => {
    const { db } = tool.current().database;
    const profileId = credential.issuer.id.split(':').at(-1) ?? '';
    const jwtBefore = await (await fetch(`${credentialUrl}.jwt`)).text();
    expect(await rotateIssuerKeys(db, profileId)).toHaveLength(2);
    const documentAfter = (await (
      await fetch(`${tool.url}/issuers/${profileId}/did.json`)
    ).json()) as DidDocument;
    expect((await verifyDataIntegrity(credential, documentAfter)).verified).toBe(true);
    const jwks = (await (await fetch(`${tool.url}/.well-known/jwks.json`)).json()) as JSONWebKeySet;
    await expect(jwtVerify(jwtBefore, createLocalJWKSet(jwks))).resolves.toBeDefined();
  });

  it('refuses to revoke without a reason', async () => {
    const id = credential.id.replace('urn:uuid:', '');
    const response = await teacher.request(`${tool.url}/api/credentials/${id}/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({}),
    });
    expect(response.response.status).toBe(400);
  });

  it('moves an achievement edited after issuing to a new version; the issued credential stays as it was', async () => {
    const { db } = tool.current().database;
    const updated = await db.transaction((tx) =>
      updateAchievement(tx, achievementId, {
        ...ACHIEVEMENT,
        description: 'A revised description.',
      }),
    );
    expect(updated.version).toBe(2);
    const oldVersion = (await (
      await fetch(`${tool.url}/achievements/${achievementId}/versions/1`)
    ).json()) as { description: string };
    expect(oldVersion.description).toBe(ACHIEVEMENT.description);
    expect(await (await fetch(credentialUrl)).json()).toEqual(credential);
  });
});
