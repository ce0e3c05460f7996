import { createXapiCredentialsCommand } from '../../src/cli/xapi-credentials.js';
import { registerPlatform } from '../../src/lti/platform-registry.js';
import { createAchievementAs } from '../support/course-world.js';
import { createBrowser, type Browser } from '../support/http-client.js';
import { LTI_ROLES, startTestLms, type TestLms } from '../support/test-lms.js';
import { startTestTool, type TestTool } from '../support/test-tool.js';

/** An LMS registered with the tool, and the Basic credentials of its xAPI emitter. */
export interface Platform {
  readonly lms: TestLms;
  readonly xapiAuthorization: string;
}

export const PASSED = 'http://adlnet.gov/expapi/verbs/passed';

type TrustLevel = 'registered' | 'self-study';

/** The teacher who launches into the courses. */
export const TEACHER = { id: 'teacher-1', name: 'Grace Hopper' };

/** Registers a new test LMS with the tool at the given trust level. */
export async function addPlatform(tool: TestTool, trustLevel: TrustLevel): Promise<Platform> {
  const lms = await startTestLms();
  await registerPlatform(tool.current().database.db, {
    ...lms.platformRegistration(),
    trustLevel,
    awardingBody: 'Una Europa Micro Module in Sustainability',
  });
  lms.setToolEndpoints({ loginUrl: `${tool.url}/lti/login`, launchUrl: `${tool.url}/lti/launch` });
  lms.setToolJwksUrl(`${tool.url}/lti/keys`);
  let printed = '';
  await createXapiCredentialsCommand({
    db: tool.current().database.db,
    name: `${trustLevel} logstore`,
    platformId: lms.issuer,
    publicUrl: tool.url,
    out: (line) => (printed = line),
  });
  const { key, secret } = JSON.parse(printed) as { key: string; secret: string };
  return { lms, xapiAuthorization: `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}` };
}

export type { TestTool };
export { awardsSeenBy, type CourseAwardJson } from '../support/awards-seen-by.js';

/** Starts the tool with one registered LMS per trust level, in their order; `close` stops them all. */
export async function startAwardsWorld<const T extends readonly TrustLevel[]>(
  ...trustLevels: T
): Promise<{
  tool: TestTool;
  platforms: { -readonly [K in keyof T]: Platform };
  close: () => Promise<void>;
}> {
  const tool = await startTestTool();
  const platforms = await Promise.all(trustLevels.map((level) => addPlatform(tool, level)));
  return {
    tool,
    platforms: platforms as { -readonly [K in keyof T]: Platform },
    close: async () => {
      await Promise.all([tool.close(), ...platforms.map((platform) => platform.lms.close())]);
    },
  };
}

/** Launches a user into a course from the platform's LMS; returns their browser. */
export async function launch(
  platform: Platform,
  user: { id: string; name?: string },
  course: { id: string; title: string },
  role: 'teacher' | 'learner',
): Promise<Browser> {
  const browser = createBrowser();
  const result = await platform.lms.launch({
    browser,
    user,
    roles: [role === 'teacher' ? LTI_ROLES.instructor : LTI_ROLES.learner],
    context: course,
  });
  if (result.response.status !== 200) {
    throw new Error(`Launch of ${user.id} failed with ${result.response.status}`);
  }
  return browser;
}

/** A teacher's JSON API call; returns the status and the parsed body. */
export async function teacherApi(
  tool: TestTool,
  teacher: Browser,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const { response } = await teacher.request(`${tool.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

/** Creates a published achievement through the teacher API and returns its id. */
export async function createAchievement(
  tool: TestTool,
  teacher: Browser,
  fields: { name: string; ects: number | null; rule: unknown; eu?: unknown },
): Promise<string> {
  return createAchievementAs(teacher, tool.url, {
    description: `${fields.name}: a course of the micro module.`,
    criteria: 'Meet the rule set by the teacher.',
    eqfLevel: 7,
    ...fields,
  });
}

/** A passing xAPI statement of a learner on an activity, as the LMS's logstore sends it. */
export function passedStatement(
  platform: Platform,
  learnerId: string,
  activity: string,
  id?: string,
) {
  return {
    ...(id ? { id } : {}),
    actor: { objectType: 'Agent', account: { homePage: platform.lms.issuer, name: learnerId } },
    verb: { id: PASSED, display: { 'en-US': 'passed' } },
    object: { objectType: 'Activity', id: activity },
    result: { score: { scaled: 0.85 }, success: true, completion: true },
  };
}

export async function postStatement(
  tool: TestTool,
  platform: Platform,
  body: unknown,
): Promise<number> {
  const response = await fetch(`${tool.url}/xapi/statements`, {
    method: 'POST',
    headers: {
      authorization: platform.xapiAuthorization,
      'content-type': 'application/json',
      'x-experience-api-version': '2.0.0',
    },
    body: JSON.stringify(body),
  });
  await response.arrayBuffer();
  return response.status;
}

/** Waits until the tool has done all its queued work (evaluations, awards, grades). */
export async function settle(tool: TestTool): Promise<void> {
  await tool.current().outbox.drain();
}
