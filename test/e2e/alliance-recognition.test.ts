/**
 * Issue 20: two universities, each with its own instance of the tool (own database, secret and
 * issuer DIDs) and its own LMS. A learner earns a credential at B, downloads it as B offers it
 * (Data Integrity JSON, baked PNG, VC-JWT) and brings it to A by HTTP; A reads B's DID document
 * and status list from B through its outgoing requests, and recognises it once. Each refusal
 * has its own reason, and nothing is stored for it.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recognisedCredentials, users } from '../../src/db/schema.js';
import type { Browser } from '../support/http-client.js';
import {
  ANNEX_I_ACHIEVEMENT,
  CIRCULAR_ECONOMY_QUIZ,
  createAchievementAs,
  startCourseWorld,
  type CourseWorld,
  type WorldPlatform,
} from '../support/course-world.js';
import { csrfTokenOf, getPage, postForm } from '../web/teacher-course-world.js';

const ADMIN_TOKEN = 'admin-token-of-university-a-for-tests';
const OLD_QUIZ = 'https://courses.example.org/circular-economy/2019-quiz';

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
    await createAchievementAs(teacherB, worldB.tool.url, {
      ...ANNEX_I_ACHIEVEMENT,
      name: 'Circular economy, 2019 edition',
      expiresOn: '2020-01-01',
      rule: { scoreAtLeast: { activity: OLD_QUIZ, scaled: 0.8 } },
    });
    for (const name of ['ada', 'bob', 'erin']) await earnAtB(name, CIRCULAR_ECONOMY_QUIZ);
    await earnAtB('frank', OLD_QUIZ);
    issuerOfB = (JSON.parse(fromB.ada!.json) as { issuer: { id: string } }).issuer.id;
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
  }, 240_000);

  afterAll(async () => {
    await Promise.all([worldA?.close(), worldB?.close()]);
  });

  describe('a credential earned at B, brought to A', () => {
    let answer: Awaited<ReturnType<typeof bring>>;

    beforeAll(async () => {
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
  });
});
