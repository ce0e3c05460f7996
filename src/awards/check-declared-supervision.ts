import { eq } from 'drizzle-orm';
import { supervisionRefusal, type SupervisionLevel } from '../badges/eu-elements.js';
import type { Executor } from '../db/database.js';
import { courses, platforms } from '../db/schema.js';
import { AchievementSupervisionNotAllowedError } from '../errors.js';

/**
 * Refuses a supervision and identity verification level the learners of the course's platform
 * cannot have (badges/eu-value-types.ts supervisionRefusal): a self-study platform's learners
 * were identified by nobody. Throws AchievementSupervisionNotAllowedError naming the field.
 */
export async function checkDeclaredSupervision(
  db: Executor,
  courseId: string,
  supervision: SupervisionLevel | undefined,
): Promise<void> {
  const refusal = await declaredSupervisionRefusal(db, courseId, supervision);
  if (refusal) throw new AchievementSupervisionNotAllowedError(refusal);
}

/** Why the course's platform cannot declare `supervision`, or null when it can. */
export async function declaredSupervisionRefusal(
  db: Executor,
  courseId: string,
  supervision: SupervisionLevel | undefined,
): Promise<string | null> {
  if (supervision === undefined) return null;
  const [course] = await db
    .select({ trustLevel: platforms.trustLevel })
    .from(courses)
    .innerJoin(platforms, eq(platforms.id, courses.platformId))
    .where(eq(courses.id, courseId));
  return course ? supervisionRefusal(supervision, course.trustLevel) : null;
}
