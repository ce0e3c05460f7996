import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateLearnerJob, gradeJob } from '../../src/awards/award-jobs.js';
import { updateAchievement } from '../../src/awards/create-achievement.js';
import { evaluateLearner } from '../../src/awards/evaluate-learner.js';
import { reevaluateAchievement } from '../../src/awards/reevaluate-achievement.js';
import { revokeAward } from '../../src/awards/revoke-award.js';
import { achievementsReferencing } from '../../src/awards/rule-index.js';
import { previewRule } from '../../src/awards/rule-preview.js';
import type { Database } from '../../src/db/database.js';
import { awardFlags, awards, outcomeStates } from '../../src/db/schema.js';
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

const VOIDED = 'http://adlnet.gov/expapi/verbs/voided';
const ANSWERED = 'http://adlnet.gov/expapi/verbs/answered';

describe('the award service on a real database', () => {
  let database: Database & { close(): Promise<void> };

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });

  it('folds each stored statement into the learner’s outcome state, keeping the best score', async () => {
    const { db } = database;
    const place = await givenCourse(db);
    const learner = await givenLearner(db, place, 'fold');
    const ids = ['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222'];
    await store(db, place, [
      { id: ids[0], sub: 'fold', activity: exam('a'), verb: ANSWERED, scaled: 0.9 },
    ]);
    await store(db, place, [{ id: ids[1], sub: 'fold', activity: exam('a'), scaled: 0.5 }]);
    const [row] = await db.select().from(outcomeStates).where(eq(outcomeStates.userId, learner.id));
    expect(row).toMatchObject({
      activityId: exam('a'),
      source: 'platform',
      bestScaled: 0.9,
      bestScoreBy: ids[0],
      passedBy: ids[1],
    });
  });

  it('queues an evaluation only for statements that improve an outcome a rule looks at', async () => {
    const { db } = database;
    const place = await givenCourse(db);
    const learner = await givenLearner(db, place, 'incremental');
    await givenAchievement(db, place.course.id, {
      name: 'Quiz',
      ects: null,
      rule: { scoreAtLeast: { activity: exam('inc'), scaled: 0.9 } },
    });
    const jobsFor = async () =>
      (await jobsOfKind(db, evaluateLearnerJob.name)).filter(
        (job) => job.payload.userId === learner.id,
      );
    await store(db, place, [
      { sub: 'incremental', activity: exam('inc'), verb: ANSWERED, scaled: 0.6 },
    ]);
    expect(await jobsFor()).toHaveLength(1);
    await store(db, place, [
      { sub: 'incremental', activity: exam('inc'), verb: ANSWERED, scaled: 0.5 },
    ]);
    await store(db, place, [{ sub: 'incremental', activity: exam('unreferenced'), scaled: 1 }]);
    expect(await jobsFor()).toHaveLength(1);
    await store(db, place, [
      { sub: 'incremental', activity: exam('inc'), verb: ANSWERED, scaled: 0.7 },
    ]);
    expect(await jobsFor()).toHaveLength(2);
  });

  it('rebuilds the outcome state when a statement is voided', async () => {
    const { db } = database;
    const place = await givenCourse(db);
    const learner = await givenLearner(db, place, 'void');
    const passId = '33333333-3333-4333-8333-333333333333';
    await store(db, place, [{ id: passId, sub: 'void', activity: exam('v') }]);
    await store(db, place, [
      {
        sub: 'void',
        activity: exam('v'),
        verb: VOIDED,
        object: { objectType: 'StatementRef', id: passId },
      },
    ]);
    const rows = await db.select().from(outcomeStates).where(eq(outcomeStates.userId, learner.id));
    expect(rows).toEqual([]);
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
    const created = await Promise.all(
      Array.from({ length: 20 }, () =>
        evaluateLearner(deps, learner.id, { activityIds: [exam('race')], achievementIds: [] }),
      ),
    );
    expect(created.flat()).toHaveLength(1);
    expect(signed).toBe(1);
    const rows = await db.select().from(awards).where(eq(awards.achievementId, achievement.id));
    expect(rows).toHaveLength(1);
    const grades = (await jobsOfKind(db, gradeJob.name)).filter(
      (job) => job.payload.awardId === rows[0]!.id,
    );
    expect(grades).toHaveLength(1);
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

  it('previews who a rule would award without awarding anyone', async () => {
    const { db } = database;
    const place = await givenCourse(db);
    await givenLearner(db, place, 'preview-done');
    await givenLearner(db, place, 'preview-not-yet');
    await store(db, place, [{ sub: 'preview-done', activity: exam('preview') }]);
    const preview = await previewRule(db, place.course.id, {
      rule: { passed: exam('preview') },
      ects: 5,
    });
    expect(preview.map((p) => [p.sub, p.wouldBeAwarded, p.form])).toEqual([
      ['preview-done', true, 'micro-credential'],
      ['preview-not-yet', false, 'micro-credential'],
    ]);
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
