/**
 * The rule index (`rule_references`, `indexed_rules`): which achievements' rules look at which
 * activity or stacked achievement.
 *
 * Contract
 * - `indexAchievementRule(tx, achievement)` writes the achievement's index entries and queues
 *   one re-evaluation of the course's learners, in the caller's transaction: the commands that
 *   save an achievement (create-achievement.ts) call it, so an achievement is never stored
 *   without its index. The job is deduplicated by achievement, version and rule: saving the
 *   same rule again queues nothing. A draft (not published) has no entries and queues nothing,
 *   so no statement, credential or job ever evaluates it.
 * - `indexStaleRules(db)` does the same for every published achievement whose index does not
 *   match its rule and version, one transaction each; run once at start, for achievements
 *   written before saving indexed them.
 * - `achievementsReferencing(db, userId, refs)` returns the achievements of the learner's
 *   courses whose rules reference any of the given activities or achievements (or, with
 *   `refs.recognised`, count credentials recognised from partners: one entry of kind
 *   `recognised` marks those rules).
 */
import { createHash } from 'node:crypto';
import { and, eq, inArray, isNotNull, isNull, ne, or, sql } from 'drizzle-orm';
import { makePgArray } from 'drizzle-orm/pg-core';
import type { Db, Executor } from '../db/database.js';
import { buildQuery, executeBuilt } from '../db/named-query.js';
import { rowsOf } from '../db/raw-rows.js';
import {
  achievements,
  awards,
  enrolments,
  indexedRules,
  platforms,
  ruleReferences,
  users,
} from '../db/schema.js';
import { enqueueJob } from '../jobs/enqueue-job.js';
import { reevaluateAchievementJob } from './award-jobs.js';
import {
  achievementsOfRule,
  activitiesOfRule,
  countsRecognised,
  parseRule,
} from './rules/rule-schema.js';

export type AchievementRow = typeof achievements.$inferSelect;

/** The ref of a rule's `recognised` index entry: any recognised credential may change it. */
const ANY_RECOGNISED = '*';

/** What changed for a learner: activities, stacked achievements, recognised credentials. */
export interface ChangedRefs {
  readonly activityIds: readonly string[];
  readonly achievementIds: readonly string[];
  readonly recognised?: boolean;
}

export async function indexAchievementRule(tx: Executor, achievement: AchievementRow) {
  await tx.delete(ruleReferences).where(eq(ruleReferences.achievementId, achievement.id));
  if (achievement.publishedAt === null || achievement.rule === null) {
    await tx.delete(indexedRules).where(eq(indexedRules.achievementId, achievement.id));
    return;
  }
  const rule = parseRule(achievement.rule);
  const refs = [
    ...activitiesOfRule(rule).map((ref) => ({ kind: 'activity' as const, ref })),
    ...achievementsOfRule(rule).map((ref) => ({ kind: 'achievement' as const, ref })),
    ...(countsRecognised(rule) ? [{ kind: 'recognised' as const, ref: ANY_RECOGNISED }] : []),
  ];
  await tx
    .insert(ruleReferences)
    .values(refs.map((ref) => ({ ...ref, achievementId: achievement.id })))
    .onConflictDoNothing();
  await tx
    .insert(indexedRules)
    .values({ achievementId: achievement.id, version: achievement.version, rule: achievement.rule })
    .onConflictDoUpdate({
      target: indexedRules.achievementId,
      set: { version: achievement.version, rule: achievement.rule },
    });
  await enqueueJob(
    tx,
    reevaluateAchievementJob,
    { achievementId: achievement.id, version: achievement.version },
    `${achievement.id}:${achievement.version}:${fingerprint(achievement.rule)}`,
  );
}

/** Returns the ids of the achievements it indexed. */
export async function indexStaleRules(db: Db): Promise<string[]> {
  const stale = await db
    .select({ achievement: achievements })
    .from(achievements)
    .leftJoin(indexedRules, eq(indexedRules.achievementId, achievements.id))
    .where(
      and(
        isNotNull(achievements.publishedAt),
        or(
          isNull(indexedRules.achievementId),
          ne(indexedRules.version, achievements.version),
          sql`${indexedRules.rule} <> ${achievements.rule}`,
        ),
      ),
    );
  for (const { achievement } of stale) {
    await db.transaction((tx) => indexAchievementRule(tx, achievement));
  }
  return stale.map(({ achievement }) => achievement.id);
}

export async function achievementsReferencing(
  db: Executor,
  userId: string,
  refs: ChangedRefs,
): Promise<AchievementRow[]> {
  return (await pendingAchievementsReferencing(db, userId, refs, { includeAwarded: true })).map(
    ({ achievement }) => achievement,
  );
}

/**
 * In one query: the achievements of the learner's courses whose rules reference the given
 * activities or achievements and that the learner holds no award of in their current version
 * (unless `includeAwarded`), with the trust level of the learner's platform.
 */
export async function pendingAchievementsReferencing(
  db: Executor,
  userId: string,
  refs: ChangedRefs,
  options: { includeAwarded?: boolean } = {},
): Promise<{ achievement: AchievementRow; trustLevel: 'registered' | 'self-study' }[]> {
  const conditions = [
    refs.activityIds.length > 0
      ? and(eq(ruleReferences.kind, 'activity'), inArray(ruleReferences.ref, [...refs.activityIds]))
      : undefined,
    refs.achievementIds.length > 0
      ? and(
          eq(ruleReferences.kind, 'achievement'),
          inArray(ruleReferences.ref, [...refs.achievementIds]),
        )
      : undefined,
    refs.recognised ? eq(ruleReferences.kind, 'recognised') : undefined,
  ].filter((condition) => condition !== undefined);
  if (conditions.length === 0) return [];
  const notAwarded = sql`not exists (select 1 from ${awards} where ${awards.userId} = ${userId}
    and ${awards.achievementId} = ${achievements.id}
    and ${awards.achievementVersion} = ${achievements.version})`;
  const rows = await db
    .selectDistinctOn([achievements.id], {
      achievement: achievements,
      trustLevel: platforms.trustLevel,
    })
    .from(ruleReferences)
    .innerJoin(achievements, eq(achievements.id, ruleReferences.achievementId))
    .innerJoin(
      enrolments,
      and(eq(enrolments.courseId, achievements.courseId), eq(enrolments.userId, userId)),
    )
    .innerJoin(users, eq(users.id, enrolments.userId))
    .innerJoin(platforms, eq(platforms.id, users.platformId))
    .where(
      and(
        or(...conditions),
        isNotNull(achievements.publishedAt),
        options.includeAwarded ? undefined : notAwarded,
      ),
    )
    .orderBy(achievements.id);
  return rows;
}

/** True when some rule references one of the activities (so statements on it need evaluating). */
export async function isReferenced(db: Executor, activityIds: readonly string[]): Promise<boolean> {
  if (activityIds.length === 0) return false;
  const result = await executeBuilt(
    db,
    isReferencedQuery,
    { refs: makePgArray([...activityIds]) },
    { name: 'microcred_is_referenced' },
  );
  return rowsOf(result).length > 0;
}

/** The query of isReferenced, built once: it runs for every statement that improves an outcome. */
const isReferencedQuery = buildQuery(sql`
  select 1 from ${ruleReferences}
   where ${ruleReferences.kind} = 'activity'
     and ${ruleReferences.ref} = any(${sql.placeholder('refs')}::text[])
   limit 1`);

function fingerprint(rule: unknown): string {
  return createHash('sha256').update(JSON.stringify(rule)).digest('hex').slice(0, 16);
}
