import { and, eq, inArray } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { achievements, achievementTags } from '../db/schema.js';
import { BadRequestError, NotFoundError } from '../errors.js';
import { setCourseActivityTags } from './course-activities.js';

/** Sets the group tags of an activity in a course, e.g. {"pillar": "economic"}. */
export async function setActivityTags(
  db: Executor,
  courseId: string,
  input: unknown,
): Promise<{ activity: string; tags: Record<string, string> }> {
  const body = (input ?? {}) as { activity?: unknown; tags?: unknown };
  if (typeof body.activity !== 'string' || !URL.canParse(body.activity)) {
    throw new BadRequestError('activity must be an absolute IRI');
  }
  const tags = parseTags(body.tags);
  await setCourseActivityTags(db, courseId, body.activity, tags);
  return { activity: body.activity, tags };
}

/** Sets the group tags of one of the course's achievements, for the stacks that use it. */
export async function setAchievementTags(
  db: Executor,
  courseId: string,
  achievementId: string,
  input: unknown,
): Promise<{ achievementId: string; tags: Record<string, string> }> {
  const tags = parseTags((input as { tags?: unknown } | null)?.tags);
  const [achievement] = await db
    .select({ id: achievements.id })
    .from(achievements)
    .where(and(eq(achievements.courseId, courseId), inArray(achievements.id, [achievementId])));
  if (!achievement) throw new NotFoundError(`No achievement ${achievementId} in this course`);
  await db
    .insert(achievementTags)
    .values({ achievementId, tags })
    .onConflictDoUpdate({ target: achievementTags.achievementId, set: { tags } });
  return { achievementId, tags };
}

function parseTags(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BadRequestError('tags must be an object such as {"pillar": "environmental"}');
  }
  for (const [key, tag] of Object.entries(value)) {
    if (typeof tag !== 'string' || tag.length === 0 || tag.length > 100) {
      throw new BadRequestError(`tags.${key} must be a non-empty text`);
    }
  }
  return value as Record<string, string>;
}

/** The group tags of these achievements, by achievement id (those without any are left out). */
export async function achievementTagsOf(
  db: Executor,
  achievementIds: readonly string[],
): Promise<Map<string, Record<string, string>>> {
  if (achievementIds.length === 0) return new Map();
  const rows = await db
    .select()
    .from(achievementTags)
    .where(inArray(achievementTags.achievementId, [...achievementIds]));
  return new Map(rows.map((row) => [row.achievementId, row.tags]));
}

/** One of the course's achievements with its group tags ({} without any); NotFoundError else. */
export async function achievementWithTags(
  db: Executor,
  courseId: string,
  achievementId: string,
): Promise<{ id: string; name: string; tags: Record<string, string> }> {
  const [row] = await db
    .select({ id: achievements.id, name: achievements.name, tags: achievementTags.tags })
    .from(achievements)
    .leftJoin(achievementTags, eq(achievementTags.achievementId, achievements.id))
    .where(and(eq(achievements.courseId, courseId), eq(achievements.id, achievementId)));
  if (!row) throw new NotFoundError(`No achievement ${achievementId} in this course`);
  return { id: row.id, name: row.name, tags: row.tags ?? {} };
}
