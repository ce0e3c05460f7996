import { eq } from 'drizzle-orm';
import type { DidDocument } from '../../src/badges/did-web.js';
import { awards, issuerProfiles } from '../../src/db/schema.js';
import {
  exam,
  givenAchievement,
  givenCourse,
  givenLearner,
  store,
} from '../awards/award-fixtures.js';
import { startTestTool, type TestTool } from './test-tool.js';

export const ADMIN_TOKEN = 'admin-token-for-endorsements-0123456789';

/**
 * Two instances of the tool, each with its own database and issuer DIDs: A, whose awarding body
 * is a quality-assurance board that endorses, and B, a university whose course awards
 * "Climate.now". `awardAtB(sub)` has a learner pass B's exam and waits for B's credential.
 */
export async function startEndorsingTools() {
  const [a, b] = await Promise.all([
    startTestTool({ env: { MICROCRED_ADMIN_TOKEN: ADMIN_TOKEN } }),
    startTestTool({ env: { MICROCRED_ADMIN_TOKEN: ADMIN_TOKEN } }),
  ]);
  const dbA = a.current().database.db;
  const dbB = b.current().database.db;
  await dbA.insert(issuerProfiles).values({
    id: 'quality-board',
    name: 'Alliance Quality Board',
    url: 'https://quality.alliance.example',
  });
  const place = await givenCourse(dbB);
  const { id: achievementId } = await givenAchievement(dbB, place.course.id, {
    name: 'Climate.now',
    ects: 3,
    rule: { passed: exam('climate') },
  });

  return {
    a,
    b,
    place,
    achievementId,
    /** B's awarding body. */
    bodyB: place.platform.issuerProfileId,
    async awardAtB(sub: string): Promise<string> {
      const learner = await givenLearner(dbB, place, sub);
      await store(dbB, place, [{ sub, activity: exam('climate') }]);
      for (let waitedMs = 0; waitedMs < 60_000; waitedMs += 100) {
        const [award] = await dbB
          .select({ id: awards.id })
          .from(awards)
          .where(eq(awards.userId, learner.id));
        if (award) return award.id;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`No credential was issued to ${sub} within 60 s`);
    },
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
        subjectName: 'Climate.now',
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
