import type { DidDocument } from '../../src/badges/did-web.js';
import { issuerProfiles } from '../../src/db/schema.js';
import { givenIssuingCourse, ISSUING_COURSE_ACHIEVEMENT } from './issuing-course.js';
import { startTestTool, type TestTool } from './test-tool.js';

export const ADMIN_TOKEN = 'admin-token-for-endorsements-0123456789';

/**
 * Two instances of the tool, each with its own database and issuer DIDs: A, whose awarding body
 * is a quality-assurance board that endorses, and B, a university whose course awards
 * {@link ISSUING_COURSE_ACHIEVEMENT}. `awardAtB(sub)` has a learner pass B's exam and waits for
 * B's credential.
 */
export async function startEndorsingTools() {
  const [a, b] = await Promise.all([
    startTestTool({ env: { MICROCRED_ADMIN_TOKEN: ADMIN_TOKEN } }),
    startTestTool({ env: { MICROCRED_ADMIN_TOKEN: ADMIN_TOKEN } }),
  ]);
  await a.current().database.db.insert(issuerProfiles).values({
    id: 'quality-board',
    name: 'Alliance Quality Board',
    url: 'https://quality.alliance.example',
  });
  const courseAtB = await givenIssuingCourse(b.current().database.db);

  return {
    a,
    b,
    achievementId: courseAtB.achievementId,
    /** B's awarding body. */
    bodyB: courseAtB.issuerProfileId,
    awardAtB: (sub: string): Promise<string> => courseAtB.award(sub),
    async close() {
      await Promise.all([a.close(), b.close()]);
    },
  };
}

/** An admin API call with the admin token. */
export function adminApi(
  tool: TestTool,
  path: string,
  init: { method?: string; body?: unknown } = {},
) {
  return fetch(`${tool.url}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: {
      authorization: `Bearer ${ADMIN_TOKEN}`,
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
}

/** A issues an endorsement of B's achievement; returns its id and URL. */
export async function endorseAchievement(
  tools: Awaited<ReturnType<typeof startEndorsingTools>>,
  comment = 'Assessed to the alliance standard of quality assurance.',
): Promise<{ id: string; url: string; credential: Record<string, unknown>; jwt: string }> {
  const response = await adminApi(
    tools.a,
    '/api/admin/issuer-profiles/quality-board/endorsements',
    {
      body: {
        subjectKind: 'achievement',
        subjectId: `${tools.b.url}/achievements/${tools.achievementId}/versions/1`,
        subjectName: ISSUING_COURSE_ACHIEVEMENT,
        comment,
      },
    },
  );
  if (response.status !== 201)
    throw new Error(`endorsing answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { endorsement: never }).endorsement;
}

export async function fetchDidDocument(url: string): Promise<DidDocument> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return (await response.json()) as DidDocument;
}
