import { and, desc, eq, inArray, ne } from 'drizzle-orm';
import type { Executor, Tx } from '../db/database.js';
import {
  achievements,
  achievementTags,
  courseActivities,
  courses,
  enrolments,
} from '../db/schema.js';
import { ConflictError, NotFoundError } from '../errors.js';
import type { Achievement } from './create-achievement.js';
import { indexAchievementRule } from './rule-index.js';
import { renameStackedAchievements } from './rules/rename-stacked-achievements.js';
import { achievementsOfRule, activitiesOfRule, parseRule } from './rules/rule-schema.js';

/** Another course of the same platform that the user teaches, where an achievement can go. */
export interface CopyTarget {
  readonly id: string;
  readonly title: string;
}

/**
 * The other courses of the course's platform in which the user is enrolled as a teacher (as
 * their last launch there said), by title: where they may copy an achievement to.
 */
export async function copyTargets(
  db: Executor,
  userId: string,
  courseId: string,
): Promise<CopyTarget[]> {
  const [course] = await db.select().from(courses).where(eq(courses.id, courseId));
  if (!course) return [];
  const rows = await db
    .select({ id: courses.id, title: courses.title, contextId: courses.contextId })
    .from(enrolments)
    .innerJoin(courses, eq(courses.id, enrolments.courseId))
    .where(
      and(
        eq(enrolments.userId, userId),
        eq(enrolments.role, 'teacher'),
        eq(courses.platformId, course.platformId),
        ne(courses.id, courseId),
      ),
    );
  return rows
    .map((row) => ({ id: row.id, title: row.title ?? row.contextId }))
    .sort((a, b) => a.title.localeCompare(b.title));
}

/**
 * A stack was to be copied to a course where some of the achievements it stacks have not been
 * copied yet: its rule would point at the other course's achievements. `missing` names them.
 */
export class AchievementCopyStackedMissingError extends ConflictError {
  override readonly code = 'ACHIEVEMENT_COPY_STACKED_MISSING';
  readonly missing: readonly { readonly id: string; readonly name: string }[];
  constructor(message: string, missing: readonly { id: string; name: string }[]) {
    super(message);
    this.missing = missing;
  }
}

/**
 * Copies an achievement of one course to another course of the same platform, in the caller's
 * transaction: its definition and rule as a new draft (the teacher previews and publishes it
 * there, so the copy awards nobody until then), its group tags, and the activities its rule
 * names with their names, launch URLs and tags (an activity the target course already
 * describes keeps its own description). A stack's `earned` conditions are pointed at the copies
 * of the stacked achievements in the target course (the latest copy of each), so those must be
 * copied first. Who may (a teacher of both courses) is checked here: throws NotFoundError unless
 * `target` is one of copyTargets(userId, fromCourseId) and the achievement is one of
 * `fromCourseId`; throws AchievementCopyStackedMissingError, naming them, when achievements the
 * stack stacks have no copy in the target course yet.
 */
export async function copyAchievement(
  tx: Tx,
  request: { userId: string; fromCourseId: string; achievementId: string; toCourseId: string },
): Promise<Achievement> {
  const targets = await copyTargets(tx, request.userId, request.fromCourseId);
  if (!targets.some((target) => target.id === request.toCourseId)) {
    throw new NotFoundError('You teach no such other course on this platform.');
  }
  const [source] = await tx
    .select()
    .from(achievements)
    .where(
      and(
        eq(achievements.id, request.achievementId),
        eq(achievements.courseId, request.fromCourseId),
      ),
    );
  if (!source) throw new NotFoundError(`No achievement ${request.achievementId} in this course`);
  const {
    id: _id,
    courseId: _course,
    version: _version,
    revision: _revision,
    publishedAt: _published,
    createdAt: _created,
    updatedAt: _updated,
    ...definition
  } = source;
  const rule =
    source.rule === null
      ? null
      : renameStackedAchievements(
          source.rule,
          await copiesInTarget(tx, parseRule(source.rule), request.toCourseId),
        );
  const [copy] = await tx
    .insert(achievements)
    .values({
      ...definition,
      rule,
      courseId: request.toCourseId,
      publishedAt: null,
      copiedFromId: source.id,
    })
    .returning();
  if (!copy) throw new Error('Insert returned no row');
  await indexAchievementRule(tx, copy);

  const [tags] = await tx
    .select()
    .from(achievementTags)
    .where(eq(achievementTags.achievementId, source.id));
  if (tags) await tx.insert(achievementTags).values({ achievementId: copy.id, tags: tags.tags });

  const activityIds = source.rule === null ? [] : activitiesOfRule(parseRule(source.rule));
  if (activityIds.length > 0) {
    const activities = await tx
      .select()
      .from(courseActivities)
      .where(
        and(
          eq(courseActivities.courseId, request.fromCourseId),
          inArray(courseActivities.activityId, activityIds),
        ),
      );
    if (activities.length > 0) {
      await tx
        .insert(courseActivities)
        .values(
          activities.map(({ createdAt: _c, updatedAt: _u, ...activity }) => ({
            ...activity,
            courseId: request.toCourseId,
          })),
        )
        .onConflictDoNothing();
    }
  }
  return copy;
}

/**
 * The latest copy in the target course of each achievement the rule stacks, by the stacked
 * achievement's id. Throws AchievementCopyStackedMissingError naming those without a copy.
 */
async function copiesInTarget(
  tx: Tx,
  rule: ReturnType<typeof parseRule>,
  toCourseId: string,
): Promise<Map<string, string>> {
  const stacked = achievementsOfRule(rule);
  const copies = new Map<string, string>();
  if (stacked.length === 0) return copies;
  const rows = await tx
    .select({ id: achievements.id, copiedFromId: achievements.copiedFromId })
    .from(achievements)
    .where(and(eq(achievements.courseId, toCourseId), inArray(achievements.copiedFromId, stacked)))
    .orderBy(desc(achievements.createdAt), desc(achievements.id));
  for (const row of rows) {
    if (row.copiedFromId !== null && !copies.has(row.copiedFromId)) {
      copies.set(row.copiedFromId, row.id);
    }
  }
  const lacking = stacked.filter((id) => !copies.has(id));
  if (lacking.length > 0) {
    const missing = await tx
      .select({ id: achievements.id, name: achievements.name })
      .from(achievements)
      .where(inArray(achievements.id, lacking))
      .orderBy(achievements.name);
    throw new AchievementCopyStackedMissingError(
      `This achievement stacks achievements not yet copied to that course: ${missing.map((item) => `“${item.name}”`).join(', ')}. Copy them there first, then this one.`,
      missing,
    );
  }
  return copies;
}
