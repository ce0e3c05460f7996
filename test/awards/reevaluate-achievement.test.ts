import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { updateAchievement } from '../../src/awards/create-achievement.js';
import { reevaluateAchievement } from '../../src/awards/reevaluate-achievement.js';
import { awards } from '../../src/db/schema.js';
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

describe('reevaluateAchievement', () => {
  let database: Database;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });

  it('re-evaluates existing learners against a new achievement version', async () => {
    const { db } = database;
    const place = await givenCourse(db);
    const learner = await givenLearner(db, place, 'version');
    const achievement = await givenAchievement(db, place.course.id, {
      name: 'Versioned',
      ects: 5,
      rule: { passed: exam('v1') },
    });
    await store(db, place, [
      { sub: 'version', activity: exam('v1') },
      { sub: 'version', activity: exam('v2') },
    ]);
    const deps = awardDeps(db);
    await reevaluateAchievement(deps, achievement.id);
    await db.transaction((tx) =>
      updateAchievement(tx, achievement.id, {
        name: 'Versioned',
        description: 'd',
        criteria: 'c',
        ects: 5,
        rule: { allOf: [{ passed: exam('v1') }, { passed: exam('v2') }] },
      }),
    );
    await reevaluateAchievement(deps, achievement.id);
    const versions = await db
      .select({ version: awards.achievementVersion })
      .from(awards)
      .where(and(eq(awards.achievementId, achievement.id), eq(awards.userId, learner.id)));
    expect(versions.map((v) => v.version).sort()).toEqual([1, 2]);
  });
});
