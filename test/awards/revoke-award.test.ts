import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { evaluateLearner } from '../../src/awards/evaluate-learner.js';
import { revokeAward } from '../../src/awards/revoke-award.js';
import { awardFlags, awards } from '../../src/db/schema.js';
import type { Database } from '../../src/db/database.js';
import { createTestDatabase } from '../support/test-database.js';
import {
  awardDeps,
  exam,
  givenAchievement,
  givenCourse,
  givenLearner,
  store,
} from './award-fixtures.js';

describe('revokeAward', () => {
  let database: Database;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });

  it('flags, and does not revoke, a stacked credential whose component is revoked', async () => {
    const { db } = database;
    const place = await givenCourse(db);
    const learner = await givenLearner(db, place, 'revoke');
    const part = await givenAchievement(db, place.course.id, {
      name: 'Part',
      ects: 5,
      rule: { passed: exam('part') },
    });
    const stack = await givenAchievement(db, place.course.id, {
      name: 'Stack',
      ects: 5,
      rule: { earned: part.id },
    });
    await store(db, place, [{ sub: 'revoke', activity: exam('part') }]);
    const deps = awardDeps(db);
    const [partAward] = await evaluateLearner(deps, learner.id, {
      activityIds: [exam('part')],
      achievementIds: [],
    });
    const [stackAward] = await evaluateLearner(deps, learner.id, {
      activityIds: [],
      achievementIds: [part.id],
    });
    expect(stackAward).toBeDefined();

    expect(await revokeAward(db, partAward!)).toEqual([stackAward]);
    const [stackRow] = await db.select().from(awards).where(eq(awards.achievementId, stack.id));
    expect(stackRow?.revokedAt).toBeNull();
    const flags = await db.select().from(awardFlags).where(eq(awardFlags.awardId, stackAward!));
    expect(flags.map((f) => f.message)).toEqual([expect.stringContaining('Part')]);
  });
});
