import { eq } from 'drizzle-orm';
import type { Db } from '../../src/db/database.js';
import { awards } from '../../src/db/schema.js';
import {
  exam,
  givenAchievement,
  givenCourse,
  givenLearner,
  store,
} from '../awards/award-fixtures.js';

export const ISSUING_COURSE_ACHIEVEMENT = 'Circular economy';

/**
 * One course of one awarding body with one achievement (pass the exam), on the database of a
 * running tool. `award(sub)` stores a learner's pass through the LRS store and waits until the
 * tool's outbox has issued their credential, so every credential of the course takes the next
 * index of the same status list. Returns the award id, which is the credential id. `on` is the
 * database the course's rows are in now, when they moved.
 */
export async function givenIssuingCourse(db: Db) {
  const place = await givenCourse(db);
  const { id: achievementId } = await givenAchievement(db, place.course.id, {
    name: ISSUING_COURSE_ACHIEVEMENT,
    ects: 3,
    rule: { passed: exam('circular') },
  });
  return {
    achievementId,
    /** The awarding body whose credentials the course issues. */
    issuerProfileId: place.platform.issuerProfileId,
    async award(sub: string, on: Db = db): Promise<string> {
      const learner = await givenLearner(on, place, sub);
      await store(on, place, [{ sub, activity: exam('circular') }]);
      for (let waitedMs = 0; waitedMs < 60_000; waitedMs += 100) {
        const [award] = await on
          .select({ id: awards.id })
          .from(awards)
          .where(eq(awards.userId, learner.id));
        if (award) return award.id;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`No credential was issued to ${sub} within 60 s`);
    },
  };
}
