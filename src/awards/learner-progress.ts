import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { achievements, awards } from '../db/schema.js';
import { loadOutcomeState } from './load-outcome-state.js';
import { describeProgress, type ConditionProgress } from './rules/progress.js';
import { activitiesOfRule, parseRule } from './rules/rule-schema.js';

export interface AchievementProgress {
  readonly achievement: typeof achievements.$inferSelect;
  readonly conditions: readonly ConditionProgress[];
  readonly award: { id: string; issuedAt: Date } | null;
}

/** Each achievement of a course with where a learner stands on it and their award, if any. */
export async function learnerProgress(
  db: Executor,
  userId: string,
  courseId: string,
): Promise<AchievementProgress[]> {
  const courseAchievements = await db
    .select()
    .from(achievements)
    .where(eq(achievements.courseId, courseId))
    .orderBy(asc(achievements.createdAt));
  if (courseAchievements.length === 0) return [];

  const activityIds = [
    ...new Set(courseAchievements.flatMap((a) => activitiesOfRule(parseRule(a.rule)))),
  ];
  const state = await loadOutcomeState(db, userId, activityIds);
  const userAwards = await db
    .select({
      id: awards.id,
      achievementId: awards.achievementId,
      version: awards.achievementVersion,
      issuedAt: awards.issuedAt,
    })
    .from(awards)
    .where(
      and(
        eq(awards.userId, userId),
        inArray(
          awards.achievementId,
          courseAchievements.map((a) => a.id),
        ),
      ),
    );

  return courseAchievements.map((achievement) => {
    const award = userAwards.find(
      (a) => a.achievementId === achievement.id && a.version === achievement.version,
    );
    return {
      achievement,
      conditions: describeProgress(parseRule(achievement.rule), state),
      award: award ? { id: award.id, issuedAt: award.issuedAt } : null,
    };
  });
}
