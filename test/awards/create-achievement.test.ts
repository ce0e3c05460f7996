import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reevaluateAchievementJob } from '../../src/awards/award-jobs.js';
import {
  createAchievement,
  publishAchievement,
  updateAchievement,
} from '../../src/awards/create-achievement.js';
import type { Database } from '../../src/db/database.js';
import {
  achievements,
  achievementVersions,
  awardClaims,
  indexedRules,
  ruleReferences,
} from '../../src/db/schema.js';
import { createTestDatabase } from '../support/test-database.js';
import { exam, givenAchievement, givenCourse, givenLearner, jobsOfKind } from './award-fixtures.js';

const DEFINITION = { name: 'Quiz', description: 'd', criteria: 'c', ects: 2 };

describe('createAchievement and updateAchievement, commands in the caller’s transaction', () => {
  let database: Database;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });

  const reevaluationsOf = async (achievementId: string) =>
    (await jobsOfKind(database.db, reevaluateAchievementJob.name)).filter(
      (job) => job.payload.achievementId === achievementId,
    );

  it('leaves no achievement, index entry or job behind when the caller’s transaction rolls back', async () => {
    const { db } = database;
    const place = await givenCourse(db);
    let createdId = '';
    await expect(
      db.transaction(async (tx) => {
        createdId = (
          await createAchievement(tx, place.course.id, {
            ...DEFINITION,
            rule: { passed: exam('rolled-back') },
          })
        ).id;
        throw new Error('the caller gave up');
      }),
    ).rejects.toThrow('the caller gave up');

    expect(createdId).not.toBe('');
    expect(await db.select().from(achievements).where(eq(achievements.id, createdId))).toEqual([]);
    expect(
      await db.select().from(ruleReferences).where(eq(ruleReferences.achievementId, createdId)),
    ).toEqual([]);
    expect(
      await db.select().from(indexedRules).where(eq(indexedRules.achievementId, createdId)),
    ).toEqual([]);
    expect(await reevaluationsOf(createdId)).toEqual([]);
  });

  it('queues one re-evaluation per rule saved, and none for a save that keeps the rule', async () => {
    const { db } = database;
    const place = await givenCourse(db);
    const achievement = await givenAchievement(db, place.course.id, {
      name: DEFINITION.name,
      ects: DEFINITION.ects,
      rule: { passed: exam('first') },
    });
    const save = (rule: unknown, name = DEFINITION.name) =>
      db.transaction((tx) => updateAchievement(tx, achievement.id, { ...DEFINITION, name, rule }));

    await save({ passed: exam('first') }, 'Quiz, renamed');
    expect(await reevaluationsOf(achievement.id)).toHaveLength(1);
    await save({ passed: exam('second') });
    expect(await reevaluationsOf(achievement.id)).toHaveLength(2);
    const references = await db
      .select({ ref: ruleReferences.ref })
      .from(ruleReferences)
      .where(eq(ruleReferences.achievementId, achievement.id));
    expect(references).toEqual([{ ref: exam('second') }]);
  });

  it('keeps, when a credential of the current version is being issued, that version’s definition and moves to the next', async () => {
    const { db } = database;
    const place = await givenCourse(db);
    const learner = await givenLearner(db, place, 'learner-being-awarded');
    const achievement = await givenAchievement(db, place.course.id, {
      name: DEFINITION.name,
      ects: DEFINITION.ects,
      rule: { passed: exam('claimed') },
    });
    // The claim issueAward takes before it signs the credential.
    await db.insert(awardClaims).values({
      userId: learner.id,
      achievementId: achievement.id,
      achievementVersion: achievement.version,
      awardId: randomUUID(),
    });

    const updated = await db.transaction((tx) =>
      updateAchievement(tx, achievement.id, {
        ...DEFINITION,
        name: 'Quiz, renamed',
        rule: { passed: exam('claimed') },
      }),
    );

    expect(updated.version).toBe(achievement.version + 1);
    const [kept] = await db
      .select()
      .from(achievementVersions)
      .where(eq(achievementVersions.achievementId, achievement.id));
    expect(kept).toMatchObject({
      version: achievement.version,
      definition: expect.objectContaining({ name: DEFINITION.name }),
    });
  });

  describe('the supervision and identity verification a course’s platform may declare', () => {
    const supervised = (supervision: string) => ({
      ...DEFINITION,
      eu: { supervision },
      rule: { passed: exam(`supervision-${supervision}`) },
    });

    it('refuses a level with identity verification on a self-study platform, storing nothing', async () => {
      const { db } = database;
      const place = await givenCourse(db, 'self-study');
      for (const level of ['unsupervised-id', 'supervised-id']) {
        await expect(
          db.transaction((tx) => createAchievement(tx, place.course.id, supervised(level))),
        ).rejects.toMatchObject({
          code: 'ACHIEVEMENT_SUPERVISION_NOT_ALLOWED',
          status: 400,
          message: expect.stringMatching(/^eu\.supervision /),
        });
      }
      expect(
        await db.select().from(achievements).where(eq(achievements.courseId, place.course.id)),
      ).toEqual([]);
    });

    it('keeps the stored level when an edit to a refused level is refused', async () => {
      const { db } = database;
      const place = await givenCourse(db, 'self-study');
      const created = await db.transaction((tx) =>
        createAchievement(tx, place.course.id, supervised('supervised-no-id')),
      );
      await expect(
        db.transaction((tx) => updateAchievement(tx, created.id, supervised('unsupervised-id'))),
      ).rejects.toMatchObject({ code: 'ACHIEVEMENT_SUPERVISION_NOT_ALLOWED' });
      const [stored] = await db.select().from(achievements).where(eq(achievements.id, created.id));
      expect(stored?.eu).toMatchObject({ supervision: 'supervised-no-id' });
    });

    it('lets a registered platform declare every level', async () => {
      const { db } = database;
      const place = await givenCourse(db, 'registered');
      for (const level of [
        'unsupervised-no-id',
        'unsupervised-id',
        'supervised-no-id',
        'supervised-id',
      ]) {
        const created = await db.transaction((tx) =>
          createAchievement(tx, place.course.id, supervised(level)),
        );
        expect(created.eu).toMatchObject({ supervision: level });
      }
    });
  });

  describe('a fixed expiry day', () => {
    const NOW = new Date('2030-06-15T22:00:00Z');
    const dated = (expiresOn: string, rule = 'dated') => ({
      ...DEFINITION,
      expiresOn,
      rule: { passed: exam(rule) },
    });

    it('is refused before today, with ACHIEVEMENT_EXPIRY_PASSED naming expiresOn, storing nothing', async () => {
      const { db } = database;
      const place = await givenCourse(db);
      await expect(
        db.transaction((tx) =>
          createAchievement(tx, place.course.id, dated('2030-06-14'), { now: NOW }),
        ),
      ).rejects.toMatchObject({
        code: 'ACHIEVEMENT_EXPIRY_PASSED',
        status: 400,
        message: expect.stringMatching(/^expiresOn 2030-06-14 has already passed/),
      });
      expect(
        await db.select().from(achievements).where(eq(achievements.courseId, place.course.id)),
      ).toEqual([]);
    });

    it('is taken for today, whose credentials stay valid until its end', async () => {
      const { db } = database;
      const place = await givenCourse(db);
      const created = await db.transaction((tx) =>
        createAchievement(tx, place.course.id, dated('2030-06-15'), { now: NOW }),
      );
      expect(created.expiresOn).toBe('2030-06-15');
    });

    it('is kept once its day has passed when only the rule changes, and refused when changed to another past day', async () => {
      const { db } = database;
      const place = await givenCourse(db);
      const created = await db.transaction((tx) =>
        createAchievement(tx, place.course.id, dated('2030-06-20'), {
          now: new Date('2030-06-01T00:00:00Z'),
        }),
      );
      const updated = await db.transaction((tx) =>
        updateAchievement(tx, created.id, dated('2030-06-20', 'changed'), {
          now: new Date('2030-07-01T00:00:00Z'),
        }),
      );
      expect(updated.rule).toEqual({ passed: exam('changed') });
      await expect(
        db.transaction((tx) =>
          updateAchievement(tx, created.id, dated('2030-06-21', 'changed'), {
            now: new Date('2030-07-01T00:00:00Z'),
          }),
        ),
      ).rejects.toMatchObject({ code: 'ACHIEVEMENT_EXPIRY_PASSED' });
    });
  });

  describe('the revision a change is based on', () => {
    const storedOf = async (id: string) =>
      (await database.db.select().from(achievements).where(eq(achievements.id, id)))[0]!;

    it('goes up by one with every change: details, rule and publishing', async () => {
      const { db } = database;
      const place = await givenCourse(db);
      const draft = await db.transaction((tx) =>
        createAchievement(tx, place.course.id, DEFINITION),
      );
      expect(draft.revision).toBe(1);
      const renamed = await db.transaction((tx) =>
        updateAchievement(tx, draft.id, { ...DEFINITION, name: 'Quiz, renamed' }),
      );
      expect(renamed.revision).toBe(2);
      const ruled = await db.transaction((tx) =>
        updateAchievement(tx, draft.id, {
          ...DEFINITION,
          name: 'Quiz, renamed',
          rule: { passed: exam('revision') },
        }),
      );
      expect(ruled.revision).toBe(3);
      const published = await db.transaction((tx) => publishAchievement(tx, draft.id));
      expect(published.revision).toBe(4);
      expect((await storedOf(draft.id)).revision).toBe(4);
    });

    it('refuses a change based on an earlier revision with ACHIEVEMENT_CHANGED (412), changing nothing', async () => {
      const { db } = database;
      const place = await givenCourse(db);
      const opened = await db.transaction((tx) =>
        createAchievement(tx, place.course.id, DEFINITION),
      );
      await db.transaction((tx) =>
        updateAchievement(
          tx,
          opened.id,
          { ...DEFINITION, name: 'Saved by the first teacher' },
          {
            basedOnRevision: opened.revision,
          },
        ),
      );

      await expect(
        db.transaction((tx) =>
          updateAchievement(
            tx,
            opened.id,
            { ...DEFINITION, name: 'Saved by the second teacher' },
            {
              basedOnRevision: opened.revision,
            },
          ),
        ),
      ).rejects.toMatchObject({
        status: 412,
        code: 'ACHIEVEMENT_CHANGED',
        current: { name: 'Saved by the first teacher', revision: 2 },
      });
      expect(await storedOf(opened.id)).toMatchObject({
        name: 'Saved by the first teacher',
        revision: 2,
      });
    });

    it('refuses publishing based on an earlier revision, leaving the draft a draft', async () => {
      const { db } = database;
      const place = await givenCourse(db);
      const opened = await db.transaction((tx) =>
        createAchievement(tx, place.course.id, { ...DEFINITION, rule: { passed: exam('p') } }),
      );
      await db.transaction((tx) =>
        updateAchievement(tx, opened.id, { ...DEFINITION, rule: { passed: exam('changed') } }),
      );

      await expect(
        db.transaction((tx) =>
          publishAchievement(tx, opened.id, { basedOnRevision: opened.revision }),
        ),
      ).rejects.toMatchObject({ code: 'ACHIEVEMENT_CHANGED' });
      expect(await storedOf(opened.id)).toMatchObject({ publishedAt: null, revision: 2 });
    });
  });
});
