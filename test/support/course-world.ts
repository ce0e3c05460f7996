import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { createXapiCredentialsCommand } from '../../src/cli/xapi-credentials.js';
import { courses, platforms } from '../../src/db/schema.js';
import { registerPlatform } from '../../src/lti/platform-registry.js';
import { createBrowser, type Browser } from './http-client.js';
import { LTI_ROLES, startTestLms, type TestLms } from './test-lms.js';
import type { TestTls } from './test-tls.js';
import { startTestTool, type TestTool } from './test-tool.js';

/**
 * A course on the tool for page tests: one LMS per trust level, teachers and learners launched
 * through it, xAPI statements sent the way an LMS logstore sends them, credentials issued by
 * the real outbox.
 */
export interface CourseWorld {
  readonly tool: TestTool;
  platform(trustLevel: 'registered' | 'self-study'): Promise<WorldPlatform>;
  close(): Promise<void>;
}

export interface WorldPlatform {
  readonly lms: TestLms;
  launch(
    user: { id: string; name?: string; email?: string },
    role: 'teacher' | 'learner',
    options?: { locale?: string },
  ): Promise<Browser>;
  /** Sends statements of `userId` about activities, then waits until awards are issued. */
  send(
    userId: string,
    results: { activity: string; verb: 'passed' | 'completed' | 'scored'; scaled?: number }[],
  ): Promise<void>;
  /** The tool's id of the course the launches open. */
  courseId(): Promise<string>;
}

export const COURSE = { id: 'sustainability-101', title: 'Sustainability 101' };

const VERBS = {
  passed: 'http://adlnet.gov/expapi/verbs/passed',
  completed: 'http://adlnet.gov/expapi/verbs/completed',
  scored: 'http://adlnet.gov/expapi/verbs/scored',
};

export async function startCourseWorld(
  options: { tls?: TestTls; env?: Record<string, string> } = {},
): Promise<CourseWorld> {
  const tool = await startTestTool(options);
  const started: TestLms[] = [];
  const { db } = tool.current().database;

  return {
    tool,
    async platform(trustLevel) {
      const lms = await startTestLms();
      started.push(lms);
      await registerPlatform(db, {
        ...lms.platformRegistration(),
        trustLevel,
        awardingBody: 'University of Example',
      });
      lms.setToolEndpoints({
        loginUrl: `${tool.url}/lti/login`,
        launchUrl: `${tool.url}/lti/launch`,
      });
      lms.setToolJwksUrl(`${tool.url}/lti/keys`);
      let printed = '';
      await createXapiCredentialsCommand({
        db,
        name: `${trustLevel} logstore`,
        platformId: lms.issuer,
        publicUrl: tool.url,
        out: (line) => (printed = line),
      });
      const { key, secret } = JSON.parse(printed) as { key: string; secret: string };
      const authorization = `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`;

      return {
        lms,
        async launch(user, role, options = {}) {
          const browser = createBrowser();
          const result = await lms.launch({
            browser,
            user,
            roles: [role === 'teacher' ? LTI_ROLES.instructor : LTI_ROLES.learner],
            context: COURSE,
            ...(options.locale ? { locale: options.locale } : {}),
          });
          expect(result.response.status, result.text.slice(0, 500)).toBe(200);
          return browser;
        },
        async send(userId, results) {
          const response = await fetch(`${tool.url}/xapi/statements`, {
            method: 'POST',
            headers: {
              authorization,
              'content-type': 'application/json',
              'x-experience-api-version': '2.0.0',
            },
            body: JSON.stringify(
              results.map(({ activity, verb, scaled }) => ({
                id: randomUUID(),
                actor: { objectType: 'Agent', account: { homePage: lms.issuer, name: userId } },
                verb: { id: VERBS[verb], display: { 'en-US': verb } },
                object: { objectType: 'Activity', id: activity },
                result: {
                  ...(scaled === undefined ? {} : { score: { scaled } }),
                  ...(verb === 'passed' ? { success: true } : {}),
                  ...(verb === 'scored' ? {} : { completion: true }),
                },
                timestamp: new Date().toISOString(),
              })),
            ),
          });
          expect(response.status).toBe(200);
          await tool.current().outbox.drain();
        },
        async courseId() {
          const [course] = await db
            .select({ id: courses.id })
            .from(courses)
            .innerJoin(platforms, eq(platforms.id, courses.platformId))
            .where(and(eq(courses.contextId, COURSE.id), eq(platforms.issuer, lms.issuer)));
          if (!course) throw new Error('Launch a teacher or learner into the course first');
          return course.id;
        },
      };
    },
    async close() {
      await Promise.all([tool.close(), ...started.map((lms) => lms.close())]);
    },
  };
}

/**
 * Posts a new achievement through the teacher's JSON API, published (so it awards) unless the
 * achievement says `publish: false`; returns its id. Every test that needs awards creates its
 * achievements here or through {@link publishAchievementAs}.
 */
export async function createAchievementAs(
  teacher: Browser,
  toolUrl: string,
  achievement: Record<string, unknown>,
): Promise<string> {
  const { response } = await teacher.request(`${toolUrl}/api/achievements`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ publish: true, ...achievement }),
  });
  const answer = (await response.json()) as { id: string };
  if (response.status !== 201) {
    throw new Error(
      `Creating ${String(achievement.name)} gave ${response.status}: ${JSON.stringify(answer)}`,
    );
  }
  return answer.id;
}

/**
 * Publishes a draft achievement (one made by deep linking, the form or `publish: false`) with
 * the rule it has, through the teacher's JSON API.
 */
export async function publishAchievementAs(
  teacher: Browser,
  toolUrl: string,
  achievementId: string,
): Promise<void> {
  const { response } = await teacher.request(
    `${toolUrl}/api/achievements/${achievementId}/publish`,
    { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' },
  );
  expect(response.status).toBe(200);
}

/** The quiz that passes {@link ANNEX_I_ACHIEVEMENT} with a score of 80%. */
export const CIRCULAR_ECONOMY_QUIZ = 'https://courses.example.org/circular-economy/final-quiz';
export const ESCO_SKILL = 'http://data.europa.eu/esco/skill/5fd5c985-eaaa-47aa-8314-62359c54505a';
export const WRITTEN_EXAM = 'http://data.europa.eu/snb/assessment/6e6cb2cc78';
export const ONLINE = 'http://data.europa.eu/snb/learning-assessment/920fbb3cbe';

/** An achievement with every Annex I element, mandatory and optional. */
export const ANNEX_I_ACHIEVEMENT = {
  name: 'Circular economy in practice',
  description: 'Designs material loops for a product and measures their effect.',
  criteria: 'Score at least 80% in the final quiz.',
  ects: 3,
  eqfLevel: 6,
  language: 'en',
  eu: {
    learningOutcomes: [
      { text: 'Maps the material flows of a product.', escoSkills: [ESCO_SKILL] },
      { text: 'Proposes reuse and recycling loops.' },
    ],
    workloadHours: 75,
    assessmentType: WRITTEN_EXAM,
    assessmentDescription: 'A proctored online examination of 90 minutes.',
    participationForm: ONLINE,
    qualityAssurance: 'Internal QA of the University, accredited by HCERES.',
    qualityAssuranceUrl: 'https://uni.example/quality',
    prerequisites: 'A bachelor degree in engineering or economics.',
    supervision: 'supervised-id',
    gradingScheme: 'Percentage of points; 80% passes.',
    stackability: {
      isStackable: true,
      description: 'Counts toward the Una Europa sustainability certificate.',
      stacksInto: ['https://una-europa.example/certificates/sustainability'],
    },
    furtherInformation: 'Offered each semester in English and German.',
    furtherInformationUrl: 'https://uni.example/courses/circular-economy',
    fieldOfStudy: 'Environmental protection technology (ISCED-F 0712)',
  },
  rule: { scoreAtLeast: { activity: CIRCULAR_ECONOMY_QUIZ, scaled: 0.8 } },
};

/** The Annex I achievement's texts in German, as a teacher adds them as a translation. */
export const ANNEX_I_GERMAN = {
  name: 'Kreislaufwirtschaft in der Praxis',
  description: 'Entwirft Materialkreisläufe für ein Produkt und misst ihre Wirkung.',
  criteria: 'Mindestens 80 % in der Abschlussprüfung.',
  learningOutcomes: ['Erfasst die Materialflüsse eines Produkts.'],
};
