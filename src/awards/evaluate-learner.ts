import { and, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { achievements, awardRefusals, awards, enrolments, platforms, users } from '../db/schema.js';
import { issueAward, type AwardDeps } from './issue-award.js';
import { loadGroups, loadOutcomeState, loadRecognised } from './load-outcome-state.js';
import {
  pendingAchievementsReferencing,
  type AchievementRow,
  type ChangedRefs,
} from './rule-index.js';
import { evaluateRule } from './rules/evaluate.js';
import type { RecognisedCredential } from './rules/evaluate.js';
import {
  achievementsOfRule,
  activitiesOfRule,
  countsRecognised,
  parseRule,
} from './rules/rule-schema.js';

/**
 * Evaluates a learner's published achievements (a draft awards nothing) whose rules reference
 * the given activities or stacked achievements, or count recognised credentials when
 * `changed.recognised` (or exactly the `only` achievements), and issues a credential for each rule
 * newly met (issueAward: exactly one award per learner and achievement version), or records why
 * a met stack is refused. Returns the ids of the awards it created.
 */
export async function evaluateLearner(
  deps: AwardDeps,
  userId: string,
  changed: ChangedRefs,
  only?: readonly string[],
): Promise<string[]> {
  const { db } = deps;
  const candidates = only
    ? await enrolledAchievements(db, userId, only)
    : await pendingAchievementsReferencing(db, userId, changed);
  const pending = candidates.map(({ achievement, trustLevel }) => ({
    achievement,
    trustLevel,
    rule: parseRule(achievement.rule),
  }));
  if (pending.length === 0) return [];

  const activityIds = [...new Set(pending.flatMap(({ rule }) => activitiesOfRule(rule)))];
  const achievementIds = [...new Set(pending.flatMap(({ rule }) => achievementsOfRule(rule)))];
  const [state, groups] = await Promise.all([
    loadOutcomeState(db, userId, activityIds, achievementIds),
    loadGroups(db, activityIds, achievementIds),
  ]);

  // A partner's credential counts only toward the stacks of the awarding body that recognised it.
  const now = deps.now?.() ?? new Date();
  const recognisedByCourse = new Map<string, RecognisedCredential[]>();
  for (const { achievement, rule } of pending) {
    if (!countsRecognised(rule) || recognisedByCourse.has(achievement.courseId)) continue;
    const byUser = await loadRecognised(db, [userId], achievement.courseId, now);
    recognisedByCourse.set(achievement.courseId, byUser.get(userId) ?? []);
  }

  const created: string[] = [];
  for (const { achievement, rule, trustLevel } of pending) {
    const creditOnly = trustLevel === 'registered' && achievement.ects !== null;
    const recognised = recognisedByCourse.get(achievement.courseId) ?? [];
    const evaluation = evaluateRule(rule, { ...state, recognised }, { groups, creditOnly });
    if (evaluation.refusal !== null) {
      await recordRefusal(db, userId, achievement, evaluation.refusal);
      continue;
    }
    if (!evaluation.isMet) continue;
    const [recipient] = await db
      .select({ user: users, platform: platforms })
      .from(users)
      .innerJoin(platforms, eq(platforms.id, users.platformId))
      .where(eq(users.id, userId));
    if (!recipient) return created;
    const awardId = await issueAward(deps, recipient, achievement, evaluation, creditOnly);
    if (awardId) created.push(awardId);
  }
  return created;
}

async function recordRefusal(
  db: Executor,
  userId: string,
  achievement: AchievementRow,
  reason: string,
): Promise<void> {
  await db
    .insert(awardRefusals)
    .values({
      userId,
      achievementId: achievement.id,
      achievementVersion: achievement.version,
      reason,
    })
    .onConflictDoUpdate({
      target: [awardRefusals.userId, awardRefusals.achievementId, awardRefusals.achievementVersion],
      set: { reason, updatedAt: new Date() },
    });
}

async function enrolledAchievements(
  db: Executor,
  userId: string,
  achievementIds: readonly string[],
): Promise<{ achievement: AchievementRow; trustLevel: 'registered' | 'self-study' }[]> {
  if (achievementIds.length === 0) return [];
  return db
    .select({ achievement: achievements, trustLevel: platforms.trustLevel })
    .from(achievements)
    .innerJoin(
      enrolments,
      and(eq(enrolments.courseId, achievements.courseId), eq(enrolments.userId, userId)),
    )
    .innerJoin(users, eq(users.id, enrolments.userId))
    .innerJoin(platforms, eq(platforms.id, users.platformId))
    .where(
      and(
        inArray(achievements.id, [...achievementIds]),
        isNotNull(achievements.publishedAt),
        sql`not exists (select 1 from ${awards} where ${awards.userId} = ${userId}
          and ${awards.achievementId} = ${achievements.id}
          and ${awards.achievementVersion} = ${achievements.version})`,
      ),
    );
}
