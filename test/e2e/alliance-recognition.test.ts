/**
 * Issue 20: two universities, each with its own instance of the tool (own database, secret and
 * issuer DIDs) and its own LMS. A learner earns a credential at B, downloads it as B offers it
 * (Data Integrity JSON, baked PNG, VC-JWT) and brings it to A by HTTP; A reads B's DID document
 * and status list from B through its outgoing requests, and recognises it once. Each refusal
 * has its own reason, and nothing is stored for it. A's alliance stack counts the recognised
 * credential with one of A's own courses and issues its micro-credential, whether the upload
 * was bound at once or approved by a teacher. A stack that states the average of its parts'
 * results averages A's own results only, and says so (docs/recognition.md).
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { achievements, recognisedCredentials, users } from '../../src/db/schema.js';
import type { DidDocument } from '../../src/badges/did-web.js';
import type { Browser } from '../support/http-client.js';
import {
  validateAgainstOfficialSchema,
  verifyDataIntegrity,
} from '../support/independent-verifier.js';
import {
  ANNEX_I_ACHIEVEMENT,
  CIRCULAR_ECONOMY_QUIZ,
  COURSE,
  createAchievementAs,
  startCourseWorld,
  type CourseWorld,
  type WorldPlatform,
} from '../support/course-world.js';
import { csrfTokenOf, getPage, postForm } from '../web/teacher-course-world.js';

const ADMIN_TOKEN = 'admin-token-of-university-a-for-tests';
const OLD_QUIZ = 'https://courses.example.org/circular-economy/2019-quiz';
/** A's own course, which the alliance stack counts with the credential recognised from B. */
const SEMINAR_AT_A = 'https://courses.university-a.example/sustainability-seminar/final-exam';
const ALLIANCE_STACK = 'Alliance micro-credential in sustainability';
/** The seminar result of the learners at A. */
const SEMINAR_RESULT = 0.75;

type Upload = { file: Buffer; fileName: string } | { pasted: string };

describe('alliance recognition between two instances of the tool', () => {
  let worldA: CourseWorld;
  let worldB: CourseWorld;
  let lmsA: WorldPlatform;
  let lmsB: WorldPlatform;
  let teacherA: Browser;
  let teacherB: Browser;
  /** Learners at A, by name. */
  const atA: Record<string, Browser> = {};
  /** Credentials earned at B, as B offers them for download, by learner. */
  const fromB: Record<string, { id: string; json: string; jwt: string; png: Buffer }> = {};
  let issuerOfB: string;
  let achievementOfB: string;
  let awardingBodyOfA: string;
  let allianceStackId: string;
  /** Stacks that state the ECTS-weighted average of their parts' results. */
  let averagedStackId: string;
  let partnerOnlyStackId: string;

  const dbOfA = () => worldA.tool.current().database.db;

  /** A learner at B earns the credentials their results give, and downloads the first. */
  const earnAtB = async (name: string, quiz: string) => {
    const learner = await lmsB.launch(
      { id: name, name, email: `${name}@alliance.example` },
      'learner',
    );
    await lmsB.send(name, [{ activity: quiz, verb: 'scored', scaled: 0.9 }]);
    const { html } = await getPage(learner, `${worldB.tool.url}/course`);
    const id = /\/credentials\/([0-9a-f-]{36})/.exec(html)?.[1];
    if (!id) throw new Error(`${name} earned no credential at B`);
    const download = async (extension: string) => {
      const { response } = await learner.request(
        `${worldB.tool.url}/credentials/${id}.${extension}`,
      );
      expect(response.status, `${extension} of ${name}`).toBe(200);
      return Buffer.from(await response.arrayBuffer());
    };
    fromB[name] = {
      id,
      json: (await download('json')).toString('utf8'),
      jwt: (await download('jwt')).toString('utf8'),
      png: await download('png'),
    };
  };

  /** Posts the learner's upload form at A, with its form token; the answer is not followed. */
  const bring = async (learner: Browser, upload: Upload) => {
    const { html } = await getPage(learner, `${worldA.tool.url}/course/recognitions`);
    const form = new FormData();
    form.set('_csrf', csrfTokenOf(html));
    if ('pasted' in upload) form.set('pasted', upload.pasted);
    else form.set('credential', new Blob([new Uint8Array(upload.file)]), upload.fileName);
    const { response } = await learner.request(`${worldA.tool.url}/course/recognitions`, {
      method: 'POST',
      body: form,
      followRedirects: false,
    });
    return {
      status: response.status,
      html: await response.text(),
      location: response.headers.get('location'),
    };
  };

  const recognisedAtA = async (name: string) =>
    dbOfA()
      .select({
        credentialId: recognisedCredentials.credentialId,
        countedEcts: recognisedCredentials.countedEcts,
        statedEcts: recognisedCredentials.statedEcts,
        status: recognisedCredentials.status,
        binding: recognisedCredentials.binding,
      })
      .from(recognisedCredentials)
      .innerJoin(users, eq(users.id, recognisedCredentials.userId))
      .where(eq(users.sub, name));

  /** A's award of the alliance stack (or another) to the learner, once the job worker has run. */
  const allianceAwardOf = async (name: string, achievementId = allianceStackId) => {
    await worldA.tool.current().outbox.drain();
    const { response } = await teacherA.request(`${worldA.tool.url}/api/awards`);
    const { awards } = (await response.json()) as {
      awards: { id: string; achievementId: string; learner: string }[];
    };
    return awards.find((award) => award.achievementId === achievementId && award.learner === name);
  };

  /** The alliance micro-credential (or another) A issued to the learner, as A publishes it. */
  const allianceCredentialOf = async (name: string, achievementId = allianceStackId) => {
    const award = await allianceAwardOf(name, achievementId);
    if (!award) throw new Error(`A issued no ${achievementId} to ${name}`);
    const response = await fetch(`${worldA.tool.url}/credentials/${award.id}.json`);
    expect(response.status).toBe(200);
    return (await response.json()) as {
      credentialSubject: {
        creditsEarned?: number;
        achievement: { name: string; resultDescription?: { id: string; name: string }[] };
        result?: Record<string, unknown>[];
      };
      evidence: Record<string, unknown>[];
    } & Record<string, unknown>;
  };

  /** The scores A sent to the learner in an achievement's own column of LMS A. */
  const gradesAtA = async (name: string, achievementId: string) => {
    await worldA.tool.current().outbox.drain();
    const [column] = lmsA.lms
      .lineItems(COURSE.id)
      .filter((item) => item.resourceId === achievementId);
    return lmsA.lms.scores
      .filter((score) => column !== undefined && score.lineItemUrl === column.id)
      .map((score) => score.body as { userId: string; scoreGiven?: number; scoreMaximum: number })
      .filter((score) => score.userId === name);
  };

  /** What A's alliance credential says of the one recognised from B. */
  const recognisedEvidenceFromB = (name: string) => ({
    genre: 'Recognised credential',
    stackedCredential: (JSON.parse(fromB[name]!.json) as { id: string }).id,
    stackedIssuerId: issuerOfB,
    ectsCredits: 2,
  });

  beforeAll(async () => {
    [worldA, worldB] = await Promise.all([
      startCourseWorld({ env: { MICROCRED_ADMIN_TOKEN: ADMIN_TOKEN } }),
      startCourseWorld(),
    ]);
    [lmsA, lmsB] = await Promise.all([
      worldA.platform('registered'),
      worldB.platform('registered'),
    ]);
    teacherB = await lmsB.launch({ id: 'teacher-b', name: 'Teacher at B' }, 'teacher');
    await createAchievementAs(teacherB, worldB.tool.url, ANNEX_I_ACHIEVEMENT);
    const formerEdition = await createAchievementAs(teacherB, worldB.tool.url, {
      ...ANNEX_I_ACHIEVEMENT,
      name: 'Circular economy, 2019 edition',
      expiresOn: '2099-01-01',
      rule: { scoreAtLeast: { activity: OLD_QUIZ, scaled: 0.8 } },
    });
    // A day in the past is refused when typed; this one is stored as if its day had passed.
    await worldB.tool
      .current()
      .database.db.update(achievements)
      .set({ expiresOn: '2020-01-01' })
      .where(eq(achievements.id, formerEdition));
    for (const name of ['ada', 'bob', 'erin']) await earnAtB(name, CIRCULAR_ECONOMY_QUIZ);
    await earnAtB('frank', OLD_QUIZ);
    const earnedAtB = JSON.parse(fromB.ada!.json) as {
      issuer: { id: string };
      credentialSubject: { achievement: { id: string } };
    };
    issuerOfB = earnedAtB.issuer.id;
    achievementOfB = earnedAtB.credentialSubject.achievement.id;
    const revoked = await teacherB.request(
      `${worldB.tool.url}/api/credentials/${fromB.bob!.id}/revoke`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ reason: 'Exam taken by someone else' }),
      },
    );
    expect(revoked.response.status).toBe(200);

    teacherA = await lmsA.launch({ id: 'teacher-a', name: 'Teacher at A' }, 'teacher');
    for (const [name, email] of [
      ['ada', 'ada@alliance.example'],
      ['bob', 'bob@alliance.example'],
      ['carol', 'carol@university-a.example'],
      ['dave', 'dave@university-a.example'],
    ] as const) {
      atA[name] = await lmsA.launch({ id: name, name, email }, 'learner');
    }
    const platforms = await fetch(`${worldA.tool.url}/api/admin/platforms`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    const [platform] = ((await platforms.json()) as { platforms: { awardingBody: string }[] })
      .platforms;
    const added = await fetch(
      `${worldA.tool.url}/api/admin/issuer-profiles/${platform!.awardingBody}/partners`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          issuerId: issuerOfB,
          name: 'University B',
          countryCode: 'FI',
          qualityAssurance: 'Una Europa alliance agreement: mutual trust in quality assurance.',
          maxEcts: 2,
        }),
      },
    );
    expect(added.status).toBe(201);
    awardingBodyOfA = platform!.awardingBody;

    const seminarId = await createAchievementAs(teacherA, worldA.tool.url, {
      name: 'Sustainability seminar',
      description: 'Analyses a sustainability challenge of the region with local partners.',
      criteria: 'Pass the final exam of the seminar.',
      ects: 4,
      rule: { passed: SEMINAR_AT_A },
    });
    allianceStackId = await createAchievementAs(teacherA, worldA.tool.url, {
      name: ALLIANCE_STACK,
      description: 'A seminar at A with a course recognised from a partner of the alliance.',
      criteria:
        'Earn the sustainability seminar and bring a partner’s circular economy credential.',
      ects: 10,
      stackCredit: 'components',
      rule: {
        stackingCap: {
          ects: 60,
          target: 'a Master’s degree year (60 ECTS)',
          rule: {
            allOf: [
              { earned: seminarId },
              { recognised: { achievement: achievementOfB, issuer: issuerOfB } },
            ],
          },
        },
      },
    });
    averagedStackId = await createAchievementAs(teacherA, worldA.tool.url, {
      name: 'Alliance module with an average',
      description: 'The seminar at A with a partner’s course, graded by their average.',
      criteria:
        'Earn the sustainability seminar and bring a partner’s circular economy credential.',
      ects: 10,
      stackCredit: 'components',
      stackResult: 'weighted-average',
      rule: {
        allOf: [
          { earned: seminarId },
          { recognised: { achievement: achievementOfB, issuer: issuerOfB } },
        ],
      },
    });
    partnerOnlyStackId = await createAchievementAs(teacherA, worldA.tool.url, {
      name: 'Partner course with an average',
      description: 'A partner’s circular economy course, graded by the average of its parts.',
      criteria: 'Bring a partner’s circular economy credential.',
      ects: 2,
      stackCredit: 'components',
      stackResult: 'weighted-average',
      rule: { recognised: { achievement: achievementOfB, issuer: issuerOfB } },
    });
    for (const name of ['ada', 'dave']) {
      await lmsA.send(name, [{ activity: SEMINAR_AT_A, verb: 'passed', scaled: SEMINAR_RESULT }]);
    }
  }, 240_000);

  afterAll(async () => {
    await Promise.all([worldA?.close(), worldB?.close()]);
  });

  describe('a credential earned at B, brought to A', () => {
    let answer: Awaited<ReturnType<typeof bring>>;
    let allianceBeforeUpload: Awaited<ReturnType<typeof allianceAwardOf>>;

    beforeAll(async () => {
      allianceBeforeUpload = await allianceAwardOf('ada');
      answer = await bring(atA.ada!, { file: Buffer.from(fromB.ada!.json), fileName: 'ada.json' });
    }, 60_000);

    it('is recognised, bound to the learner by the email B hashed into it', async () => {
      expect(answer.status, answer.html.slice(0, 2000)).toBe(303);
      expect(answer.location).toBe('/course/recognitions?status=recognised');
      expect(await recognisedAtA('ada')).toEqual([
        expect.objectContaining({ status: 'recognised', binding: 'identity' }),
      ]);
    });

    it('counts for the ECTS it states, capped by the partner entry (3 stated, 2 at most)', async () => {
      const [row] = await recognisedAtA('ada');
      expect({ statedEcts: row?.statedEcts, countedEcts: row?.countedEcts }).toEqual({
        statedEcts: 3,
        countedEcts: 2,
      });
    });

    it('shows on the learner page with its status and what it counts for', async () => {
      const { html } = await getPage(atA.ada!, `${worldA.tool.url}/course/recognitions`);
      expect(html).toContain('Recognised');
      expect(html).toContain('Counts for 2 ECTS here (it states 3)');
      expect(html).toContain('from University B');
    });

    it('is the same recognition when brought again as the baked PNG and as the JWT', async () => {
      const png = await bring(atA.ada!, { file: fromB.ada!.png, fileName: 'ada.png' });
      const jwt = await bring(atA.ada!, { pasted: fromB.ada!.jwt });
      expect(
        [png.status, jwt.status],
        `${png.html.slice(0, 500)} ${jwt.html.slice(0, 500)}`,
      ).toEqual([303, 303]);
      expect(await recognisedAtA('ada')).toHaveLength(1);
    });

    it('makes A issue its alliance micro-credential, which A’s own seminar alone did not', async () => {
      expect(allianceBeforeUpload).toBeUndefined();
      const credential = await allianceCredentialOf('ada');
      expect(credential.credentialSubject.achievement.name).toBe(ALLIANCE_STACK);
    });

    it('names B’s credential in its evidence: its id, B as its issuer and the 2 ECTS counted', async () => {
      const credential = await allianceCredentialOf('ada');
      expect(credential.evidence).toContainEqual(
        expect.objectContaining(recognisedEvidenceFromB('ada')),
      );
    });

    it('carries the ECTS its components give under the cap: 4 from A’s seminar, 2 counted for B’s', async () => {
      const credential = await allianceCredentialOf('ada');
      expect(credential.credentialSubject.creditsEarned).toBe(4 + 2);
    });

    it('validates against the official OB 3.0 schema and its proof verifies with A’s DID', async () => {
      const credential = await allianceCredentialOf('ada');
      expect(validateAgainstOfficialSchema(credential)).toMatchObject({ valid: true });
      const didResponse = await fetch(`${worldA.tool.url}/issuers/${awardingBodyOfA}/did.json`);
      const didOfA = (await didResponse.json()) as DidDocument;
      const result = await verifyDataIntegrity(credential, didOfA);
      expect(result.verified, JSON.stringify(result.error ?? result)).toBe(true);
    });
  });

  // The credential ada brought from B above completes both averaging stacks.
  describe('in a stack that states the average of its parts’ results', () => {
    it('averages A’s seminar alone (75 %), not B’s 90 %, and says it covers 1 of its 2 credentials', async () => {
      const credential = await allianceCredentialOf('ada', averagedStackId);
      const [description] = credential.credentialSubject.achievement.resultDescription ?? [];
      expect(description?.name).toBe(
        'ECTS-weighted average of the results of 1 of the 2 stacked credentials; credentials recognised from partners and credentials without a result are not in it',
      );
      expect(credential.credentialSubject.result).toEqual([
        { type: ['Result'], resultDescription: description!.id, value: '75' },
      ]);
    });

    it('sends that average, 75 of 100, to the stack’s own column', async () => {
      expect(await gradesAtA('ada', averagedStackId)).toEqual([
        expect.objectContaining({ scoreGiven: SEMINAR_RESULT * 100, scoreMaximum: 100 }),
      ]);
    });

    it('says on its public page what the average is over', async () => {
      const award = await allianceAwardOf('ada', averagedStackId);
      const page = await fetch(`${worldA.tool.url}/credentials/${award!.id}`, {
        headers: { accept: 'text/html' },
      });
      expect(await page.text()).toContain(
        '75 % (average of the results of 1 of the 2 stacked credentials, weighted by their ECTS; credentials recognised from partners and those without a result are not in it)',
      );
    });

    it('states no result when every part is recognised', async () => {
      const credential = await allianceCredentialOf('ada', partnerOnlyStackId);
      expect(credential.credentialSubject.achievement).not.toHaveProperty('resultDescription');
      expect(credential.credentialSubject).not.toHaveProperty('result');
    });

    it('then sends its column what a stack without a result gets: completed, no score', async () => {
      expect(await gradesAtA('ada', partnerOnlyStackId)).toEqual([
        {
          userId: 'ada',
          comment: 'Awarded: Partner course with an average',
          timestamp: expect.any(String),
          activityProgress: 'Completed',
          gradingProgress: 'FullyGraded',
        },
      ]);
    });
  });

  describe('refusals, each with its own reason and nothing stored', () => {
    const expectRefused = async (learner: string, upload: Upload, status: number, code: string) => {
      const before = await recognisedAtA(learner);
      const answer = await bring(atA[learner]!, upload);
      expect(answer.status, answer.html.slice(0, 1500)).toBe(status);
      expect(answer.html).toContain(`data-code="${code}"`);
      expect(await recognisedAtA(learner)).toEqual(before);
    };

    it('refuses a credential whose issuer is not in A’s registry', async () => {
      const other = JSON.parse(fromB.ada!.json) as { issuer: { id: string } };
      other.issuer.id = 'did:web:university-c.example:issuers:main';
      await expectRefused(
        'ada',
        { pasted: JSON.stringify(other) },
        422,
        'RECOGNITION_ISSUER_NOT_PARTNER',
      );
    });

    it('refuses a credential B revoked', async () => {
      await expectRefused(
        'bob',
        { file: Buffer.from(fromB.bob!.json), fileName: 'bob.json' },
        422,
        'RECOGNITION_REVOKED',
      );
    });

    it('refuses a tampered credential (its achievement renamed)', async () => {
      const tampered = JSON.parse(fromB.erin!.json) as {
        credentialSubject: { achievement: { name: string } };
      };
      tampered.credentialSubject.achievement.name = 'Advanced circular economy';
      await expectRefused(
        'dave',
        { pasted: JSON.stringify(tampered) },
        422,
        'RECOGNITION_PROOF_INVALID',
      );
    });

    it('refuses a credential issued to another person', async () => {
      await expectRefused(
        'carol',
        { file: Buffer.from(fromB.erin!.json), fileName: 'erin.json' },
        403,
        'RECOGNITION_SUBJECT_MISMATCH',
      );
    });

    it('refuses a credential already recognised for another learner', async () => {
      await expectRefused(
        'dave',
        { file: fromB.ada!.png, fileName: 'ada.png' },
        409,
        'RECOGNITION_OF_ANOTHER_LEARNER',
      );
    });

    it('refuses an expired credential', async () => {
      await expectRefused(
        'ada',
        { file: Buffer.from(fromB.frank!.json), fileName: 'frank.json' },
        422,
        'RECOGNITION_EXPIRED',
      );
    });

    it('refuses a file that is no credential', async () => {
      await expectRefused(
        'ada',
        { file: Buffer.from('Notes from the lecture'), fileName: 'notes.txt' },
        422,
        'RECOGNITION_NOT_AN_OPEN_BADGE',
      );
    });
  });

  describe('a credential nothing binds to the learner who brings it', () => {
    let reviewId: string;

    beforeAll(async () => {
      // An LMS whose privacy settings keep email addresses from tools.
      await dbOfA().update(users).set({ email: null }).where(eq(users.sub, 'dave'));
      const answer = await bring(atA.dave!, {
        file: Buffer.from(fromB.erin!.json),
        fileName: 'e.json',
      });
      expect(answer.location).toBe('/course/recognitions?status=awaiting-review');
      const { html } = await getPage(teacherA, `${worldA.tool.url}/course/recognitions/review`);
      reviewId = /data-brought="([0-9a-f-]{36})"/.exec(html)?.[1] ?? '';
    }, 60_000);

    it('waits for a teacher of the course, who sees it on the review page', () => {
      expect(reviewId).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('counts toward no stack while it waits', async () => {
      expect(await allianceAwardOf('dave')).toBeUndefined();
    });

    it('cannot be approved by a learner (403), not even the one who brought it', async () => {
      const { html } = await getPage(atA.dave!, `${worldA.tool.url}/course/recognitions`);
      const { response } = await postForm(
        atA.dave!,
        `${worldA.tool.url}/course/recognitions/${reviewId}/review`,
        { _csrf: csrfTokenOf(html), decision: 'approve' },
      );
      expect(response.status).toBe(403);
      expect(await recognisedAtA('dave')).toEqual([
        expect.objectContaining({ status: 'awaiting-review' }),
      ]);
    });

    it('is recognised once the teacher approves it', async () => {
      const { html } = await getPage(teacherA, `${worldA.tool.url}/course/recognitions/review`);
      const { response } = await postForm(
        teacherA,
        `${worldA.tool.url}/course/recognitions/${reviewId}/review`,
        { _csrf: csrfTokenOf(html), decision: 'approve' },
      );
      expect(response.status).toBe(303);
      expect(await recognisedAtA('dave')).toEqual([
        expect.objectContaining({
          status: 'recognised',
          binding: 'teacher-review',
          countedEcts: 2,
        }),
      ]);
    });

    it('then makes A issue its alliance micro-credential, naming B’s credential', async () => {
      const credential = await allianceCredentialOf('dave');
      expect(credential.evidence).toContainEqual(
        expect.objectContaining(recognisedEvidenceFromB('erin')),
      );
      expect(credential.credentialSubject.creditsEarned).toBe(4 + 2);
    });
  });
});
