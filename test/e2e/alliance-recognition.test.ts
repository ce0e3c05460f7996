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
import { achievements, users } from '../../src/db/schema.js';
import type { DidDocument } from '../../src/badges/did-web.js';
import {
  ALLIANCE_STACK,
  SEMINAR_AT_A,
  startAllianceUniversities,
  type AllianceUniversities,
} from '../support/alliance-universities.js';
import type { Browser } from '../support/http-client.js';
import {
  validateAgainstOfficialSchema,
  verifyDataIntegrity,
} from '../support/independent-verifier.js';
import {
  ANNEX_I_ACHIEVEMENT,
  CIRCULAR_ECONOMY_QUIZ,
  createAchievementAs,
} from '../support/course-world.js';
import { csrfTokenOf, getPage, launchInto, postForm } from '../web/teacher-course-world.js';

const OLD_QUIZ = 'https://courses.example.org/circular-economy/2019-quiz';
/** The seminar result of the learners at A. */
const SEMINAR_RESULT = 0.75;

type Upload = { file: Buffer; fileName: string } | { pasted: string };

describe('alliance recognition between two instances of the tool', () => {
  let alliance: AllianceUniversities;
  /** Learners at A, by name. */
  const atA: Record<string, Browser> = {};
  /** Credentials earned at B, as B offers them for download, by learner. */
  const fromB: Record<string, { id: string; json: string; jwt: string; png: Buffer }> = {};
  /** Stacks that state the ECTS-weighted average of their parts' results. */
  let averagedStackId: string;
  let partnerOnlyStackId: string;

  const urlOfA = () => alliance.worldA.tool.url;
  const recognisedAtA = (name: string) => alliance.recognisedAtA(name);
  const allianceCredentialOf = (name: string, achievementId?: string) =>
    alliance.allianceCredentialOf(name, achievementId);
  /** What A's alliance credential says of the one the learner earned at B. */
  const recognisedEvidenceFromB = (name: string) =>
    alliance.recognisedEvidenceOf(JSON.parse(fromB[name]!.json) as { id: string });

  /** A learner at B earns the credentials their results give, and downloads the first. */
  const earnAtB = async (name: string, quiz: string) => {
    const { id, learner } = await alliance.earnAtB(name, quiz);
    const download = async (extension: string) => {
      const { response } = await learner.request(
        `${alliance.worldB.tool.url}/credentials/${id}.${extension}`,
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
    const { html } = await getPage(learner, `${urlOfA()}/course/recognitions`);
    const form = new FormData();
    form.set('_csrf', csrfTokenOf(html));
    if ('pasted' in upload) form.set('pasted', upload.pasted);
    else form.set('credential', new Blob([new Uint8Array(upload.file)]), upload.fileName);
    const { response } = await learner.request(`${urlOfA()}/course/recognitions`, {
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

  beforeAll(async () => {
    alliance = await startAllianceUniversities();
    const { worldB, lmsA, teacherB } = alliance;
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
    const revoked = await teacherB.request(
      `${worldB.tool.url}/api/credentials/${fromB.bob!.id}/revoke`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ reason: 'Exam taken by someone else' }),
      },
    );
    expect(revoked.response.status).toBe(200);

    for (const [name, email] of [
      ['ada', 'ada@alliance.example'],
      ['bob', 'bob@alliance.example'],
      ['carol', 'carol@university-a.example'],
      ['dave', 'dave@university-a.example'],
    ] as const) {
      atA[name] = await lmsA.launch({ id: name, name, email }, 'learner');
    }
    const { seminarId, achievementOfB, issuerOfB } = alliance;
    averagedStackId = await createAchievementAs(alliance.teacherA, urlOfA(), {
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
    partnerOnlyStackId = await createAchievementAs(alliance.teacherA, urlOfA(), {
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
    await alliance?.close();
  });

  describe('a credential earned at B, brought to A', () => {
    let answer: Awaited<ReturnType<typeof bring>>;
    let allianceBeforeUpload: { id: string }[];

    beforeAll(async () => {
      allianceBeforeUpload = await alliance.allianceAwardsOf('ada');
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
      const { html } = await getPage(atA.ada!, `${urlOfA()}/course/recognitions`);
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
      expect(allianceBeforeUpload).toEqual([]);
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
      const didResponse = await fetch(`${urlOfA()}/issuers/${alliance.awardingBodyOfA}/did.json`);
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

    it('counts B’s credential for the 2 ECTS it counts for here: 4 + 2, not its 3 stated nor the stack’s own 10', async () => {
      const credential = await allianceCredentialOf('ada', averagedStackId);
      expect(credential.credentialSubject.creditsEarned).toBe(4 + 2);
    });

    it('sends that average, 75 of 100, to the stack’s own column', async () => {
      expect(await alliance.allianceGradesOf('ada', averagedStackId)).toEqual([
        expect.objectContaining({ scoreGiven: SEMINAR_RESULT * 100, scoreMaximum: 100 }),
      ]);
    });

    it('says on its public page what the average is over', async () => {
      const [award] = await alliance.allianceAwardsOf('ada', averagedStackId);
      const page = await fetch(`${urlOfA()}/credentials/${award!.id}`, {
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
      expect(await alliance.allianceGradesOf('ada', partnerOnlyStackId)).toEqual([
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
    let teacherOfAnotherCourse: Browser;

    beforeAll(async () => {
      // An LMS whose privacy settings keep email addresses from tools.
      await alliance.worldA.tool
        .current()
        .database.db.update(users)
        .set({ email: null })
        .where(eq(users.sub, 'dave'));
      const answer = await bring(atA.dave!, {
        file: Buffer.from(fromB.erin!.json),
        fileName: 'e.json',
      });
      expect(answer.location).toBe('/course/recognitions?status=awaiting-review');
      const { html } = await getPage(alliance.teacherA, `${urlOfA()}/course/recognitions/review`);
      reviewId = /data-brought="([0-9a-f-]{36})"/.exec(html)?.[1] ?? '';
      teacherOfAnotherCourse = await launchInto(
        alliance.lmsA.lms,
        'another-course-at-a',
        { id: 'teacher-of-another-course', name: 'Teacher of another course at A' },
        'teacher',
      );
    }, 60_000);

    it('waits for a teacher of the course, who sees it on the review page', () => {
      expect(reviewId).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('counts toward no stack while it waits', async () => {
      expect(await alliance.allianceAwardsOf('dave')).toEqual([]);
    });

    it('cannot be approved by a learner (403), not even the one who brought it', async () => {
      const { html } = await getPage(atA.dave!, `${urlOfA()}/course/recognitions`);
      const { response } = await postForm(
        atA.dave!,
        `${urlOfA()}/course/recognitions/${reviewId}/review`,
        { _csrf: csrfTokenOf(html), decision: 'approve' },
      );
      expect(response.status).toBe(403);
      expect(await recognisedAtA('dave')).toEqual([
        expect.objectContaining({ status: 'awaiting-review' }),
      ]);
    });

    it('is not shown to a learner: the review page answers 403', async () => {
      const { status, html } = await getPage(atA.dave!, `${urlOfA()}/course/recognitions/review`);
      expect(status).toBe(403);
      expect(html).not.toContain(reviewId);
    });

    it('is not on the review page of a teacher of another course', async () => {
      const { status, html } = await getPage(
        teacherOfAnotherCourse,
        `${urlOfA()}/course/recognitions/review`,
      );
      expect(status).toBe(200);
      expect(html).not.toContain(reviewId);
    });

    it('can be neither approved nor refused by a teacher of another course (404), and still waits', async () => {
      // Their review page lists nothing to decide; the achievement form has their form token.
      const { html } = await getPage(teacherOfAnotherCourse, `${urlOfA()}/course/achievements/new`);
      const decide = (decision: 'approve' | 'refuse') =>
        postForm(teacherOfAnotherCourse, `${urlOfA()}/course/recognitions/${reviewId}/review`, {
          _csrf: csrfTokenOf(html),
          decision,
        });
      const [approved, refused] = [await decide('approve'), await decide('refuse')];
      expect([approved.response.status, refused.response.status]).toEqual([404, 404]);
      expect(await recognisedAtA('dave')).toEqual([
        expect.objectContaining({ status: 'awaiting-review' }),
      ]);
    });

    it('is recognised once the teacher approves it', async () => {
      const { html } = await getPage(alliance.teacherA, `${urlOfA()}/course/recognitions/review`);
      const { response } = await postForm(
        alliance.teacherA,
        `${urlOfA()}/course/recognitions/${reviewId}/review`,
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
