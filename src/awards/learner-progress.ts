import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { achievements, awards, platforms, users } from '../db/schema.js';
import { loadGroups, loadOutcomeState } from './load-outcome-state.js';
import { explainProgress, type ProgressNode } from './rules/progress.js';
import { achievementsOfRule, activitiesOfRule, parseRule } from './rules/rule-schema.js';

export interface AchievementProgress {
  readonly achievement: typeof achievements.$inferSelect;
  readonly progress: ProgressNode;
  /**
   * The form this learner earns: registered learners the credit-bearing micro-credential when
   * the achievement has ECTS, self-study learners a badge without credits (award-evidence.ts).
   */
  readonly form: 'micro-credential' | 'badge';
  readonly award: { id: string; issuedAt: Date; revokedAt: Date | null } | null;
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

  const rules = courseAchievements.map((a) => parseRule(a.rule));
  const activityIds = [...new Set(rules.flatMap(activitiesOfRule))];
  const achievementIds = [...new Set(rules.flatMap(achievementsOfRule))];
  const [state, groups, [trust]] = await Promise.all([
    loadOutcomeState(db, userId, activityIds, achievementIds),
    loadGroups(db, activityIds, achievementIds),
    db
      .select({ level: platforms.trustLevel })
      .from(users)
      .innerJoin(platforms, eq(platforms.id, users.platformId))
      .where(eq(users.id, userId)),
  ]);
  const userAwards = await db
    .select({
      id: awards.id,
      achievementId: awards.achievementId,
      version: awards.achievementVersion,
      issuedAt: awards.issuedAt,
      revokedAt: awards.revokedAt,
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

  return courseAchievements.map((achievement, index) => {
    const award = userAwards.find(
      (a) => a.achievementId === achievement.id && a.version === achievement.version,
    );
    const creditOnly = trust?.level === 'registered' && achievement.ects !== null;
    return {
      achievement,
      progress: explainProgress(rules[index]!, state, { groups, creditOnly }),
      form: creditOnly ? 'micro-credential' : 'badge',
      award: award ? { id: award.id, issuedAt: award.issuedAt, revokedAt: award.revokedAt } : null,
    };
  });
}
