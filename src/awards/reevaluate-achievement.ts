import { and, asc, eq, gt } from 'drizzle-orm';
import { achievements, enrolments } from '../db/schema.js';
import { evaluateLearner } from './evaluate-learner.js';
import type { AwardDeps } from './issue-award.js';

/**
 * Re-evaluates every learner of an achievement's course against its current version (after a
 * published achievement or a changed rule; a draft awards nothing). Pages through the learners, so it scales with the course.
 */
export async function reevaluateAchievement(
  deps: AwardDeps,
  achievementId: string,
): Promise<string[]> {
  const { db } = deps;
  const [achievement] = await db
    .select()
    .from(achievements)
    .where(eq(achievements.id, achievementId));
  if (!achievement || achievement.publishedAt === null) return [];
  const created: string[] = [];
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const page = await db
      .select({ userId: enrolments.userId })
      .from(enrolments)
      .where(
        and(
          eq(enrolments.courseId, achievement.courseId),
          eq(enrolments.role, 'learner'),
          gt(enrolments.userId, after),
        ),
      )
      .orderBy(asc(enrolments.userId))
      .limit(500);
    for (const { userId } of page) {
      created.push(
        ...(await evaluateLearner(deps, userId, { activityIds: [], achievementIds: [] }, [
          achievementId,
        ])),
      );
    }
    const last = page.at(-1);
    if (!last || page.length < 500) return created;
    after = last.userId;
  }
}
