import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  awardsSeenBy,
  createAchievement,
  launch,
  passedStatement,
  postStatement,
  settle,
  startAwardsWorld,
  TEACHER,
  type Platform,
  type TestTool,
} from './awards-world.js';

const EXAM = 'https://mooc.una-europa.example/core/final-exam';
const ACHIEVEMENT = {
  name: 'Global Sustainability Challenges',
  ects: 5,
  rule: { passed: EXAM },
};

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
    const course = { id: 'sustainability-core', title: 'Global Sustainability Challenges' };
    const teacher = await launch(platform, TEACHER, course, 'teacher');
    await createAchievement(tool, teacher, ACHIEVEMENT);
    await launch(platform, learner, course, 'learner');
    expect(await postStatement(tool, platform, passedStatement(platform, learner.id, EXAM))).toBe(
      200,
    );
    await settle(tool);
    const [award] = await awardsSeenBy(tool, teacher);
    const credential = (await (await fetch(`${tool.url}/credentials/${award?.id}`)).json()) as {
      credentialSubject: { achievement: { achievementType: string }; creditsEarned?: number };
    };
    return { award, credential };
  }

  it('gives the registered learner the micro-credential with its ECTS', async () => {
    const { award, credential } = await earn(university, { id: 'student-1', name: 'Ada Student' });
    expect(award?.form).toBe('micro-credential');
    expect(award?.evidence.creditsEarned).toBe(5);
    expect(credential.credentialSubject.achievement.achievementType).toBe('MicroCredential');
    expect(credential.credentialSubject.creditsEarned).toBe(5);
  });

  it('gives the self-study learner the badge, without credits, noted as unsupervised without identity verification', async () => {
    const { award, credential } = await earn(openMooc, { id: 'mooc-1', name: 'Sam Selfstudy' });
    expect(award?.form).toBe('badge');
    expect(award?.evidence.creditsEarned).toBeNull();
    expect(award?.evidence.supervisionAndIdentityVerification).toBe(
      'unsupervised without identity verification',
    );
    expect(credential.credentialSubject.achievement.achievementType).toBe('Badge');
    expect(credential.credentialSubject.creditsEarned).toBeUndefined();
  });
});
