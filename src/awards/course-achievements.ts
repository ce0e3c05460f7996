import { and, asc, count, eq, inArray } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { achievements, achievementVersions, awards } from '../db/schema.js';
import type { Achievement } from './create-achievement.js';

export interface AchievementName {
  id: string;
  name: string;
}

/** The course's achievement with this id, or undefined when the course has none by that id. */
export async function findCourseAchievement(
  db: Executor,
  courseId: string,
  id: string,
): Promise<Achievement | undefined> {
  const [achievement] = await db
    .select()
    .from(achievements)
    .where(and(eq(achievements.id, id), eq(achievements.courseId, courseId)));
  return achievement;
}

export async function listCourseAchievements(
  db: Executor,
  courseId: string,
): Promise<Achievement[]> {
  return db.select().from(achievements).where(eq(achievements.courseId, courseId));
}

/** The course's achievements by name, in alphabetical order or in the order they were made. */
export async function listAchievementNames(
  db: Executor,
  courseId: string,
  orderedBy: 'name' | 'creation',
): Promise<AchievementName[]> {
  return db
    .select({ id: achievements.id, name: achievements.name })
    .from(achievements)
    .where(eq(achievements.courseId, courseId))
    .orderBy(asc(orderedBy === 'name' ? achievements.name : achievements.createdAt));
}

/** The names of these achievements, whichever course they belong to. */
export async function achievementNamesOf(
  db: Executor,
  ids: readonly string[],
): Promise<AchievementName[]> {
  if (ids.length === 0) return [];
  return db
    .select({ id: achievements.id, name: achievements.name })
    .from(achievements)
    .where(inArray(achievements.id, [...ids]));
}

/** The course's achievements in alphabetical order, each with how many awards it has made. */
export async function listAchievementsWithAwardCounts(
  db: Executor,
  courseId: string,
): Promise<{ achievement: Achievement; awardCount: number }[]> {
  return db
    .select({ achievement: achievements, awardCount: count(awards.id) })
    .from(achievements)
    .leftJoin(awards, eq(awards.achievementId, achievements.id))
    .where(eq(achievements.courseId, courseId))
    .groupBy(achievements.id)
    .orderBy(asc(achievements.name));
}

/** How many awards the achievement's current version has made. */
export async function countAwardsOfCurrentVersion(
  db: Executor,
  achievement: Pick<Achievement, 'id' | 'version'>,
): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(awards)
    .where(
      and(
        eq(awards.achievementId, achievement.id),
        eq(awards.achievementVersion, achievement.version),
      ),
    );
  return row?.n ?? 0;
}

/**
 * The definition of one version of an achievement: the current row, or the snapshot an older
 * version left in achievement_versions; undefined when there is no such version.
 */
export async function findAchievementDefinition(
  db: Executor,
  id: string,
  version: number,
): Promise<Record<string, unknown> | undefined> {
  const [current] = await db.select().from(achievements).where(eq(achievements.id, id));
  if (current?.version === version) return current as unknown as Record<string, unknown>;
  const [old] = await db
    .select({ definition: achievementVersions.definition })
    .from(achievementVersions)
    .where(
      and(eq(achievementVersions.achievementId, id), eq(achievementVersions.version, version)),
    );
  return old?.definition;
}
