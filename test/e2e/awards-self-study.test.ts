import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DidDocument } from '../../src/badges/did-web.js';
import {
  validateAgainstOfficialSchema,
  verifyDataIntegrity,
} from '../support/independent-verifier.js';
import {
  awardsSeenBy,
  createAchievement,
  launch,
  passedStatement,
  postStatement,
  settle,
  startAwardsWorld,
  teacherApi,
  TEACHER,
  type Platform,
  type TestTool,
} from './awards-world.js';

const EXAM = 'https://mooc.una-europa.example/core/final-exam';
const COURSE = { id: 'sustainability-core', title: 'Global Sustainability Challenges' };
const UNSUPERVISED_NO_ID = 'http://data.europa.eu/snb/supervision-verification/c598449d64';
const PROGRAMME_QA = 'http://data.europa.eu/snb/accreditation/820101cba6';
/** Every EU element that describes the learning, as the teacher declares it. */
const EU = {
  learningOutcomes: [{ text: 'Explains the planetary boundaries.', escoSkills: [] }],
  workloadHours: 125,
  assessmentType: 'http://data.europa.eu/snb/assessment/6e6cb2cc78',
  assessmentDescription: 'An online final examination.',
  participationForm: 'http://data.europa.eu/snb/learning-assessment/920fbb3cbe',
  qualityAssuranceType: PROGRAMME_QA,
  qualityAssurance: 'Reviewed each year by the alliance’s quality board.',
  prerequisites: 'None.',
  supervision: 'unsupervised-no-id',
  gradingScheme: 'Percentage of points; 50% passes.',
  stackability: { isStackable: true, stacksInto: [] },
  furtherInformation: 'Part of the Una Europa sustainability module.',
};
const ACHIEVEMENT = {
  name: 'Global Sustainability Challenges',
  ects: 5,
  rule: { passed: EXAM },
  eu: EU,
};

type Credential = {
  issuer: { id: string };
  credentialSubject: {
    achievement: {
      achievementType: string;
      creditsAvailable?: number;
      microCredential: Record<string, unknown>;
    };
    creditsEarned?: number;
  };
};

const errorOf = (json: Record<string, unknown>) => json.error as { code: string; message: string };
const achievementsOf = (json: Record<string, unknown>) =>
  json.achievements as { id: string; eu: { supervision?: string } }[];

describe('the same work by a registered and by a self-study learner, through HTTP', () => {
  let tool: TestTool;
  let university: Platform;
  let openMooc: Platform;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({
      tool,
      platforms: [university, openMooc],
      close,
    } = await startAwardsWorld('registered', 'self-study'));
  });
  afterAll(() => close?.());

  async function earn(platform: Platform, learner: { id: string; name: string }) {
    const teacher = await launch(platform, TEACHER, COURSE, 'teacher');
    await createAchievement(tool, teacher, ACHIEVEMENT);
    await launch(platform, learner, COURSE, 'learner');
    expect(await postStatement(tool, platform, passedStatement(platform, learner.id, EXAM))).toBe(
      200,
    );
    await settle(tool);
    const [award] = await awardsSeenBy(tool, teacher);
    const credential = (await (
      await fetch(`${tool.url}/credentials/${award?.id}`, {
        headers: { accept: 'application/json' },
      })
    ).json()) as Credential;
    const page = await (
      await fetch(`${tool.url}/credentials/${award?.id}`, {
        headers: { accept: 'text/html', 'accept-language': 'en' },
      })
    ).text();
    return { award, credential, page };
  }

  /** The credential is valid under the official OB 3.0 schema and its proof verifies. */
  async function expectValidAndVerified(credential: Credential) {
    expect(validateAgainstOfficialSchema(credential).errors).toBeNull();
    const didDocument = (await (
      await fetch(`${tool.url}/issuers/${credential.issuer.id.split(':').at(-1)}/did.json`)
    ).json()) as DidDocument;
    const result = await verifyDataIntegrity(
      credential as unknown as Record<string, unknown>,
      didDocument,
    );
    expect(result.verified, JSON.stringify(result.error ?? null)).toBe(true);
  }

  it('gives the registered learner the micro-credential with its ECTS and the declared supervision', async () => {
    const { award, credential } = await earn(university, { id: 'student-1', name: 'Ada Student' });
    expect(award?.form).toBe('micro-credential');
    expect(award?.evidence.creditsEarned).toBe(5);
    expect(award?.evidence.supervisionAndIdentityVerification).toBe('unsupervised-no-id');
    const { achievement } = credential.credentialSubject;
    expect(achievement.achievementType).toBe('MicroCredential');
    expect(credential.credentialSubject.creditsEarned).toBe(5);
    expect(achievement.microCredential).toMatchObject({
      ectsCredits: 5,
      supervisionAndIdentityVerification: 'unsupervised-no-id',
      supervisionAndIdentityVerificationUri: UNSUPERVISED_NO_ID,
      qualityAssuranceType: PROGRAMME_QA,
    });
    expect(achievement.microCredential).not.toHaveProperty('ectsCreditsWithheld');
    await expectValidAndVerified(credential);
  });

  it('gives the self-study learner the badge with every element but the credits, and says why', async () => {
    const { award, credential, page } = await earn(openMooc, {
      id: 'mooc-1',
      name: 'Sam Selfstudy',
    });
    expect(award?.form).toBe('badge');
    expect(award?.evidence.creditsEarned).toBeNull();
    expect(award?.evidence.supervisionAndIdentityVerification).toBe('unsupervised-no-id');
    const { achievement } = credential.credentialSubject;
    expect(achievement.achievementType).toBe('Badge');
    expect(credential.credentialSubject.creditsEarned).toBeUndefined();
    expect(achievement.creditsAvailable).toBeUndefined();
    expect(achievement.microCredential).toEqual({
      type: 'EuMicroCredential',
      ectsCreditsWithheld:
        'No credits: self-study. Credits are awarded only through registered enrolment.',
      workloadHours: 125,
      eqfLevel: 'http://data.europa.eu/snb/eqf/7',
      assessmentType: EU.assessmentType,
      assessmentDescription: EU.assessmentDescription,
      participationForm: EU.participationForm,
      qualityAssuranceType: PROGRAMME_QA,
      qualityAssurance: EU.qualityAssurance,
      prerequisites: 'None.',
      supervisionAndIdentityVerification: 'unsupervised-no-id',
      supervisionAndIdentityVerificationUri: UNSUPERVISED_NO_ID,
      gradingScheme: EU.gradingScheme,
      furtherInformation: EU.furtherInformation,
      learningOutcome: [{ type: 'LearningOutcome', outcome: 'Explains the planetary boundaries.' }],
      isStackable: true,
    });
    expect(page).toContain(
      'No credits: self-study. Credits are awarded only through registered enrolment.',
    );
    expect(page).toContain(`<a href="${UNSUPERVISED_NO_ID}">`);
    await expectValidAndVerified(credential);
  });

  describe('a supervision level the platform cannot declare', () => {
    const SUPERVISED_ID = { ...EU, supervision: 'supervised-id' };

    it('is refused to the self-study platform’s teacher with 400 and a message naming the field', async () => {
      const teacher = await launch(
        openMooc,
        TEACHER,
        { id: 'refused-course', title: 'Proctored' },
        'teacher',
      );
      const { status, json } = await teacherApi(tool, teacher, 'POST', '/api/achievements', {
        name: 'Proctored exam',
        description: 'D',
        criteria: 'C',
        ects: 5,
        rule: { passed: EXAM },
        eu: SUPERVISED_ID,
      });
      expect(status).toBe(400);
      expect(errorOf(json).code).toBe('ACHIEVEMENT_SUPERVISION_NOT_ALLOWED');
      expect(errorOf(json).message).toMatch(/^eu\.supervision .*self-study/);
      const { json: list } = await teacherApi(tool, teacher, 'GET', '/api/achievements');
      expect(achievementsOf(list)).toEqual([]);
    });

    it('is refused when the self-study teacher edits an achievement to declare it', async () => {
      const teacher = await launch(openMooc, TEACHER, COURSE, 'teacher');
      const { json: list } = await teacherApi(tool, teacher, 'GET', '/api/achievements');
      const id = achievementsOf(list)[0]?.id;
      const { status, json } = await teacherApi(
        tool,
        teacher,
        'PATCH',
        `/api/achievements/${id ?? ''}`,
        {
          ...ACHIEVEMENT,
          description: 'D',
          criteria: 'C',
          eu: { ...EU, supervision: 'unsupervised-id' },
        },
      );
      expect(status).toBe(400);
      expect(errorOf(json).code).toBe('ACHIEVEMENT_SUPERVISION_NOT_ALLOWED');
      const { json: after } = await teacherApi(tool, teacher, 'GET', '/api/achievements');
      expect(achievementsOf(after)[0]?.eu.supervision).toBe('unsupervised-no-id');
    });

    it('is the registered platform’s teacher’s to declare, and only on their own achievements', async () => {
      const teacher = await launch(
        university,
        TEACHER,
        { id: 'proctored-course', title: 'Proctored' },
        'teacher',
      );
      const { status, json } = await teacherApi(tool, teacher, 'POST', '/api/achievements', {
        name: 'Proctored exam',
        description: 'D',
        criteria: 'C',
        ects: 5,
        rule: { passed: EXAM },
        eu: SUPERVISED_ID,
      });
      expect(status).toBe(201);
      expect((json.eu as { supervision?: string }).supervision).toBe('supervised-id');
      const moocTeacher = await launch(openMooc, TEACHER, COURSE, 'teacher');
      const { status: otherStatus } = await teacherApi(
        tool,
        moocTeacher,
        'PATCH',
        `/api/achievements/${String(json.id)}`,
        { ...ACHIEVEMENT, description: 'D', criteria: 'C', eu: SUPERVISED_ID },
      );
      expect(otherStatus).toBe(404);
    });
  });
});
