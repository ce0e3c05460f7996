import { JobDeferredError } from '../../src/jobs/job-registry.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { gradeJob } from '../../src/awards/award-jobs.js';
import { evaluateLearner } from '../../src/awards/evaluate-learner.js';
import { awards } from '../../src/db/schema.js';
import type { Database } from '../../src/db/database.js';
import { createTestDatabase } from '../support/test-database.js';
import {
  awardDeps,
  exam,
  givenAchievement,
  givenCourse,
  givenLearner,
  jobsOfKind,
  store,
} from './award-fixtures.js';

describe('issueAward, through evaluateLearner', () => {
  let database: Database;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });

  it('signs exactly one credential and queues one grade when 20 evaluations of the deciding statement race', async () => {
    const { db } = database;
    const place = await givenCourse(db);
    const learner = await givenLearner(db, place, 'race');
    const achievement = await givenAchievement(db, place.course.id, {
      name: 'Race',
      ects: 5,
      rule: { passed: exam('race') },
    });
    await store(db, place, [{ sub: 'race', activity: exam('race') }]);
    const issuer = awardDeps(db);
    let signed = 0;
    const deps = {
      ...issuer,
      issueCredential: (request: Parameters<typeof issuer.issueCredential>[0]) => {
        signed += 1;
        return issuer.issueCredential(request);
      },
    };
    // A loser either finds the credential issued or, while the winner still signs, defers its job.
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, () =>
        evaluateLearner(deps, learner.id, { activityIds: [exam('race')], achievementIds: [] }),
      ),
    );
    const created = outcomes.flatMap((outcome) =>
      outcome.status === 'fulfilled' ? outcome.value : [],
    );
    const deferred = outcomes.filter((outcome) => outcome.status === 'rejected');
    expect(created).toHaveLength(1);
    expect(deferred.every(({ reason }) => reason instanceof JobDeferredError)).toBe(true);
    expect(signed).toBe(1);
    const again = await evaluateLearner(deps, learner.id, {
      activityIds: [exam('race')],
      achievementIds: [],
    });
    expect(again).toEqual([]);
    const rows = await db.select().from(awards).where(eq(awards.achievementId, achievement.id));
    expect(rows).toHaveLength(1);
    const grades = (await jobsOfKind(db, gradeJob.name)).filter(
      (job) => job.payload.awardId === rows[0]!.id,
    );
    expect(grades).toHaveLength(1);
  });
});
