import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { createAchievement } from '../../src/awards/create-achievement.js';
import { enqueueEvaluations } from '../../src/awards/enqueue-evaluations.js';
import { evaluateLearner } from '../../src/awards/evaluate-learner.js';
import type { AwardDeps } from '../../src/awards/issue-award.js';
import { createCredentialIssuer } from '../../src/badges/issue-credential.js';
import { createLogger } from '../../src/config/logger.js';
import type { Db } from '../../src/db/database.js';
import {
  awards,
  courses,
  enrolments,
  issuerProfiles,
  outbox,
  platforms,
  users,
} from '../../src/db/schema.js';
import { createActorResolver } from '../../src/xapi/resolve-actor.js';
import { storeStatements } from '../../src/xapi/statement-store.js';
import { validateStatement } from '../../src/xapi/validate/statement.js';

export const PUBLIC_URL = 'https://tool.example';
export const PASSED = 'http://adlnet.gov/expapi/verbs/passed';
export const exam = (course: string) => `https://mooc.example/${course}/exam`;

/** The award service's collaborators on a test database, with the real credential issuer. */
export function awardDeps(db: Db): AwardDeps {
  return {
    db,
    logger: createLogger('error', () => {}),
    issueCredential: createCredentialIssuer({ db, secret: 'x'.repeat(40), publicUrl: PUBLIC_URL }),
  };
}

/** A platform at a trust level with one course; returns what tests need to add learners. */
export async function givenCourse(db: Db, trustLevel: 'registered' | 'self-study' = 'registered') {
  const profileId = `profile-${randomUUID().slice(0, 8)}`;
  await db.insert(issuerProfiles).values({ id: profileId, name: 'University of Example' });
  const issuer = `https://lms-${randomUUID().slice(0, 8)}.example`;
  const [platform] = await db
    .insert(platforms)
    .values({
      issuer,
      clientId: 'client',
      name: 'LMS',
      authUrl: `${issuer}/auth`,
      tokenUrl: `${issuer}/token`,
      jwksUrl: `${issuer}/jwks`,
      trustLevel,
      issuerProfileId: profileId,
    })
    .returning();
  const [course] = await db
    .insert(courses)
    .values({ platformId: platform!.id, contextId: 'course-1', title: 'Course' })
    .returning();
  return { platform: platform!, course: course! };
}

export async function givenLearner(
  db: Db,
  place: Awaited<ReturnType<typeof givenCourse>>,
  sub: string,
) {
  const [user] = await db
    .insert(users)
    .values({ platformId: place.platform.id, sub, name: sub })
    .returning();
  await db
    .insert(enrolments)
    .values({ courseId: place.course.id, userId: user!.id, role: 'learner', deploymentId: '1' });
  return user!;
}

/** Saves a published achievement as teachers do: with its rule index and its re-evaluation queued. */
export async function givenAchievement(
  db: Db,
  courseId: string,
  fields: { name: string; ects: number | null; rule: unknown },
) {
  return db.transaction((tx) =>
    createAchievement(tx, courseId, {
      description: 'd',
      criteria: 'c',
      eqfLevel: 6,
      publish: true,
      ...fields,
    }),
  );
}

/** Stores statements through the LRS store with the awards callback, as the /xapi route does. */
export async function store(
  db: Db,
  place: Awaited<ReturnType<typeof givenCourse>>,
  statements: {
    id?: string;
    sub: string;
    activity: string;
    verb?: string;
    scaled?: number;
    object?: unknown;
  }[],
  source: 'platform' | 'tool' | 'content' = 'platform',
) {
  return storeStatements({
    db,
    statements: statements.map((s) =>
      validateStatement({
        ...(s.id ? { id: s.id } : {}),
        actor: { objectType: 'Agent', account: { homePage: place.platform.issuer, name: s.sub } },
        verb: { id: s.verb ?? PASSED },
        object: s.object ?? { objectType: 'Activity', id: s.activity },
        ...(s.scaled === undefined ? {} : { result: { score: { scaled: s.scaled } } }),
      }),
    ),
    credential: { key: 'test-key' },
    source,
    publicUrl: PUBLIC_URL,
    resolveActors: createActorResolver(place.platform.id),
    onStatementsStored: enqueueEvaluations,
  });
}

/** A learner `sub` who passed the exam of a fresh course with a 3-ECTS achievement, and their award. */
export async function givenAward(db: Db, sub: string) {
  const place = await givenCourse(db);
  const learner = await givenLearner(db, place, sub);
  await givenAchievement(db, place.course.id, {
    name: 'Circular economy',
    ects: 3,
    rule: { passed: exam(sub) },
  });
  await store(db, place, [{ sub, activity: exam(sub) }]);
  await evaluateLearner(awardDeps(db), learner.id, {
    activityIds: [exam(sub)],
    achievementIds: [],
  });
  const [award] = await db.select().from(awards).where(eq(awards.userId, learner.id));
  return award!;
}

export async function jobsOfKind(db: Db, kind: string) {
  return db.select().from(outbox).where(eq(outbox.kind, kind));
}
