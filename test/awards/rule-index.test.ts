import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reevaluateAchievementJob } from '../../src/awards/award-jobs.js';
import { achievementsReferencing, indexStaleRules } from '../../src/awards/rule-index.js';
import { achievements, ruleReferences } from '../../src/db/schema.js';
import type { Database } from '../../src/db/database.js';
import { createTestDatabase } from '../support/test-database.js';
import { exam, givenAchievement, givenCourse, givenLearner, jobsOfKind } from './award-fixtures.js';

describe('the rule index', () => {
  let database: Database;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });

  it('finds through the rule index only the achievements whose rules reference a statement’s activity', async () => {
    const { db } = database;
    const place = await givenCourse(db);
    const learner = await givenLearner(db, place, 'index');
    const quiz = await givenAchievement(db, place.course.id, {
      name: 'Quiz',
      ects: null,
      rule: { passed: exam('quiz') },
    });
    await givenAchievement(db, place.course.id, {
      name: 'Essay',
      ects: null,
      rule: { passed: exam('essay') },
    });
    const found = await achievementsReferencing(db, learner.id, {
      activityIds: [exam('quiz')],
      achievementIds: [],
    });
    expect(found.map((a) => a.name)).toEqual([quiz.name]);
  });

  it('indexes, once, an achievement written without its index, and queues its re-evaluation', async () => {
    const { db } = database;
    const place = await givenCourse(db);
    const [written] = await db
      .insert(achievements)
      .values({
        courseId: place.course.id,
        name: 'Written by an earlier version',
        description: 'd',
        criteria: 'c',
        rule: { passed: exam('stale') },
        publishedAt: new Date(),
      })
      .returning();

    expect(await indexStaleRules(db)).toEqual([written!.id]);
    expect(await indexStaleRules(db)).toEqual([]);

    const references = await db
      .select({ kind: ruleReferences.kind, ref: ruleReferences.ref })
      .from(ruleReferences)
      .where(eq(ruleReferences.achievementId, written!.id));
    expect(references).toEqual([{ kind: 'activity', ref: exam('stale') }]);
    const jobs = (await jobsOfKind(db, reevaluateAchievementJob.name)).filter(
      (job) => job.payload.achievementId === written!.id,
    );
    expect(jobs.map((job) => job.payload)).toEqual([{ achievementId: written!.id, version: 1 }]);
  });
});
