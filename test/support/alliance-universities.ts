import { eq } from 'drizzle-orm';
import type { DidDocument } from '../../src/badges/did-web.js';
import { recognisedCredentials, users } from '../../src/db/schema.js';
import {
  ANNEX_I_ACHIEVEMENT,
  COURSE,
  CIRCULAR_ECONOMY_QUIZ,
  createAchievementAs,
  startCourseWorld,
  type CourseWorld,
  type WorldPlatform,
} from './course-world.js';
import { awardsSeenBy } from './awards-seen-by.js';
import type { Browser } from './http-client.js';

const ADMIN_TOKEN = 'admin-token-of-the-alliance-for-tests';
/** A's own course, which the alliance stack counts with the credential recognised from B. */
export const SEMINAR_AT_A =
  'https://courses.university-a.example/sustainability-seminar/final-exam';
export const ALLIANCE_STACK = 'Alliance micro-credential in sustainability';
const PARTNER_MAX_ECTS = 2;
const SEMINAR_ECTS = 4;

export interface AllianceUniversities {
  readonly worldA: CourseWorld;
  readonly worldB: CourseWorld;
  readonly lmsA: WorldPlatform;
  readonly teacherA: Browser;
  readonly teacherB: Browser;
  /** The awarding body of A's LMS, whose DID signs A's credentials. */
  readonly awardingBodyOfA: string;
  /** A's seminar achievement, and B's issuer DID and achievement as A's rules name them. */
  readonly seminarId: string;
  readonly issuerOfB: string;
  readonly achievementOfB: string;
  /** A learner at B, launched with `<name>@alliance.example`, earns the quiz's credential. */
  earnAtB(name: string, quiz?: string): Promise<{ id: string; learner: Browser }>;
  /** What A recorded of the credentials the learner brought. */
  recognisedAtA(name: string): Promise<RecognisedAtA[]>;
  /** A's awards of the alliance stack (or another achievement) to the learner, once the job worker has run. */
  allianceAwardsOf(name: string, achievementId?: string): Promise<{ id: string }[]>;
  /** The one alliance micro-credential (or another) A issued to the learner, as A publishes it. */
  allianceCredentialOf(name: string, achievementId?: string): Promise<AllianceCredential>;
  /** The scores A's LMS received for the learner in the alliance stack's (or another's) column. */
  allianceGradesOf(name: string, achievementId?: string): Promise<Record<string, unknown>[]>;
  /** What A's alliance credential says of a credential recognised from B. */
  recognisedEvidenceOf(credential: { id: string }): Record<string, unknown>;
  close(): Promise<void>;
}

type RecognisedAtA = Pick<
  typeof recognisedCredentials.$inferSelect,
  'credentialId' | 'countedEcts' | 'statedEcts' | 'status' | 'binding'
>;

export type AllianceCredential = {
  credentialSubject: {
    creditsEarned?: number;
    achievement: { name: string; resultDescription?: { id: string; name: string }[] };
    result?: Record<string, unknown>[];
  };
  evidence: Record<string, unknown>[];
} & Record<string, unknown>;

/**
 * Two universities of an alliance, each with its own instance of the tool (own database, secret
 * and issuer DIDs) and its own registered LMS, with a teacher launched into each. B's course
 * awards {@link ANNEX_I_ACHIEVEMENT} (3 ECTS, {@link CIRCULAR_ECONOMY_QUIZ}); A lists B as a
 * partner whose credentials count for 2 ECTS at most, and A's course has a 4-ECTS seminar
 * ({@link SEMINAR_AT_A} passed) and the {@link ALLIANCE_STACK}, which counts the seminar with
 * B's achievement recognised ('components' credit, under a cap of 60 ECTS).
 */
export async function startAllianceUniversities(): Promise<AllianceUniversities> {
  const [worldA, worldB] = await Promise.all([
    startCourseWorld({ env: { MICROCRED_ADMIN_TOKEN: ADMIN_TOKEN } }),
    startCourseWorld({ env: { MICROCRED_ADMIN_TOKEN: ADMIN_TOKEN } }),
  ]);
  const [lmsA, lmsB] = await Promise.all([
    worldA.platform('registered'),
    worldB.platform('registered'),
  ]);
  const [teacherA, teacherB] = await Promise.all([
    lmsA.launch({ id: 'teacher-a', name: 'Teacher at A' }, 'teacher'),
    lmsB.launch({ id: 'teacher-b', name: 'Teacher at B' }, 'teacher'),
  ]);
  const achievementAtB = await createAchievementAs(teacherB, worldB.tool.url, ANNEX_I_ACHIEVEMENT);
  const [awardingBodyOfA, awardingBodyOfB] = await Promise.all([
    awardingBodyOf(worldA),
    awardingBodyOf(worldB),
  ]);
  const didOfB = await fetch(`${worldB.tool.url}/issuers/${awardingBodyOfB}/did.json`);
  const issuerOfB = ((await didOfB.json()) as DidDocument).id;
  const added = await fetch(
    `${worldA.tool.url}/api/admin/issuer-profiles/${awardingBodyOfA}/partners`,
    {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        issuerId: issuerOfB,
        name: 'University B',
        countryCode: 'FI',
        qualityAssurance: 'Una Europa alliance agreement: mutual trust in quality assurance.',
        maxEcts: PARTNER_MAX_ECTS,
      }),
    },
  );
  if (added.status !== 201) {
    throw new Error(`Adding B as A's partner gave ${added.status}: ${await added.text()}`);
  }

  const seminarId = await createAchievementAs(teacherA, worldA.tool.url, {
    name: 'Sustainability seminar',
    description: 'Analyses a sustainability challenge of the region with local partners.',
    criteria: 'Pass the final exam of the seminar.',
    ects: SEMINAR_ECTS,
    rule: { passed: SEMINAR_AT_A },
  });
  const achievementOfB = `${worldB.tool.url}/achievements/${achievementAtB}/versions/1`;
  const allianceStackId = await createAchievementAs(teacherA, worldA.tool.url, {
    name: ALLIANCE_STACK,
    description: 'A seminar at A with a course recognised from a partner of the alliance.',
    criteria: 'Earn the sustainability seminar and bring a partner’s circular economy credential.',
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

  const dbOfA = () => worldA.tool.current().database.db;

  const allianceAwardsOf = async (name: string, achievementId = allianceStackId) => {
    await worldA.tool.current().outbox.drain();
    return awardsSeenBy(worldA.tool, teacherA, { achievementId, learner: name });
  };

  return {
    worldA,
    worldB,
    lmsA,
    teacherA,
    teacherB,
    awardingBodyOfA,
    seminarId,
    issuerOfB,
    achievementOfB,

    async earnAtB(name, quiz = CIRCULAR_ECONOMY_QUIZ) {
      const learner = await lmsB.launch(
        { id: name, name, email: `${name}@alliance.example` },
        'learner',
      );
      await lmsB.send(name, [{ activity: quiz, verb: 'scored', scaled: 0.9 }]);
      const { response } = await learner.request(`${worldB.tool.url}/course`);
      const id = /\/credentials\/([0-9a-f-]{36})/.exec(await response.text())?.[1];
      if (!id) throw new Error(`${name} earned no credential at B`);
      return { id, learner };
    },

    recognisedAtA: (name) =>
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
        .where(eq(users.sub, name)),

    allianceAwardsOf,

    async allianceCredentialOf(name, achievementId = allianceStackId) {
      const awards = await allianceAwardsOf(name, achievementId);
      if (awards.length !== 1) {
        throw new Error(`A issued ${awards.length} of ${achievementId} to ${name}, not one`);
      }
      const response = await fetch(`${worldA.tool.url}/credentials/${awards[0]!.id}.json`);
      if (response.status !== 200) {
        throw new Error(`A's credential of ${name} answered ${response.status}`);
      }
      return (await response.json()) as AllianceCredential;
    },

    async allianceGradesOf(name, achievementId = allianceStackId) {
      await worldA.tool.current().outbox.drain();
      const columns = lmsA.lms
        .lineItems(COURSE.id)
        .filter((item) => item.resourceId === achievementId);
      return lmsA.lms.scores
        .filter((score) => columns.some((column) => column.id === score.lineItemUrl))
        .map((score) => score.body)
        .filter((body) => body.userId === name);
    },

    recognisedEvidenceOf: (credential) => ({
      genre: 'Recognised credential',
      stackedCredential: credential.id,
      stackedIssuerId: issuerOfB,
      ectsCredits: PARTNER_MAX_ECTS,
    }),

    async close() {
      await Promise.all([worldA.close(), worldB.close()]);
    },
  };
}

/** The awarding body of the world's one LMS, as the admin API lists it. */
async function awardingBodyOf(world: CourseWorld): Promise<string> {
  const response = await fetch(`${world.tool.url}/api/admin/platforms`, {
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  const { platforms } = (await response.json()) as { platforms: { awardingBody: string }[] };
  if (platforms.length !== 1) throw new Error(`${world.tool.url} has ${platforms.length} LMSs`);
  return platforms[0]!.awardingBody;
}
