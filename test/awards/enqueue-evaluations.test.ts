import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { evaluateLearnerJob } from '../../src/awards/award-jobs.js';
import { enqueueEvaluations } from '../../src/awards/enqueue-evaluations.js';
import { outcomeStates } from '../../src/db/schema.js';
import type { Database } from '../../src/db/database.js';
import { createActorResolver } from '../../src/xapi/resolve-actor.js';
import { storeStatements } from '../../src/xapi/statement-store.js';
import { validateStatement } from '../../src/xapi/validate/statement.js';
import { moodleStatements } from '../support/moodle-logstore.js';
import { createTestDatabase } from '../support/test-database.js';
import {
  exam,
  givenAchievement,
  givenCourse,
  givenLearner,
  jobsOfKind,
  PUBLIC_URL,
  store,
} from './award-fixtures.js';

const VOIDED = 'http://adlnet.gov/expapi/verbs/voided';
const ANSWERED = 'http://adlnet.gov/expapi/verbs/answered';

describe('enqueueEvaluations, in the transaction that stores statements', () => {
  let database: Database;

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

  it('folds a batch of several learners’ statements at once, queueing only those who improved', async () => {
    const { db } = database;
    const place = await givenCourse(db);
    const steady = await givenLearner(db, place, 'batch-steady');
    const improving = await givenLearner(db, place, 'batch-improving');
    await givenAchievement(db, place.course.id, {
      name: 'Batch quiz',
      ects: null,
      rule: { scoreAtLeast: { activity: exam('batch'), scaled: 0.9 } },
    });
    await store(db, place, [
      { sub: 'batch-steady', activity: exam('batch'), verb: ANSWERED, scaled: 0.8 },
    ]);
    const jobsBefore = await jobsOfKind(db, evaluateLearnerJob.name);

    await store(db, place, [
      { sub: 'batch-steady', activity: exam('batch'), verb: ANSWERED, scaled: 0.4 },
      { sub: 'batch-improving', activity: exam('batch'), verb: ANSWERED, scaled: 0.7 },
      { sub: 'batch-improving', activity: exam('batch-other'), verb: ANSWERED, scaled: 0.3 },
    ]);

    const newJobs = (await jobsOfKind(db, evaluateLearnerJob.name)).filter(
      (job) => !jobsBefore.some((before) => before.id === job.id),
    );
    expect(newJobs.map((job) => job.payload.userId)).toEqual([improving.id]);
    const bestOf = async (userId: string) =>
      Object.fromEntries(
        (await db.select().from(outcomeStates).where(eq(outcomeStates.userId, userId))).map(
          (row) => [row.activityId, row.bestScaled],
        ),
      );
    expect(await bestOf(steady.id)).toEqual({ [exam('batch')]: 0.8 });
    expect(await bestOf(improving.id)).toEqual({
      [exam('batch')]: 0.7,
      [exam('batch-other')]: 0.3,
    });
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

  it('rebuilds the LMS activity an emitter’s sub-item statement counted for when it is voided', async () => {
    const { db } = database;
    const place = await givenCourse(db);
    const learner = await givenLearner(db, place, 'moodle-void');
    const wwwroot = place.platform.issuer;
    const quiz = `${wwwroot}/mod/quiz/view.php?id=15`;
    const attemptId = '44444444-4444-4444-8444-444444444444';
    const [attempt] = moodleStatements('attempt-submitted', {
      wwwroot,
      actor: { account: { homePage: wwwroot, name: 'moodle-void' } },
      cmid: 15,
      raw: 9,
    }) as object[];
    const storeOne = (statement: object) =>
      storeStatements({
        db,
        statements: [validateStatement(statement)],
        credential: { key: 'test-key' },
        source: 'platform',
        publicUrl: PUBLIC_URL,
        resolveActors: createActorResolver(place.platform.id),
        onStatementsStored: enqueueEvaluations,
      });
    await storeOne({ ...attempt, id: attemptId });
    const quizRow = async () =>
      (await db.select().from(outcomeStates).where(eq(outcomeStates.userId, learner.id))).filter(
        (row) => row.activityId === quiz,
      );
    expect(await quizRow()).toEqual([
      expect.objectContaining({ passedBy: attemptId, bestScaled: 0.9 }),
    ]);
    await storeOne({
      actor: { account: { homePage: wwwroot, name: 'moodle-void' } },
      verb: { id: VOIDED },
      object: { objectType: 'StatementRef', id: attemptId },
    });
    expect(await quizRow()).toEqual([]);
  });
});
