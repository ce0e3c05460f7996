/**
 * The cmi5 course structures of a tool course (tables `cmi5_courses`, `cmi5_blocks`,
 * `cmi5_aus`): reads, and the one AU a teacher defines by hand. Package import writes the same
 * tables from cmi5.xml.
 */
import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Executor } from '../../db/database.js';
import { cmi5Aus, cmi5Blocks, cmi5Courses } from '../../db/schema.js';
import { auIdOfActivityIri, cmi5ActivityIri } from './cmi5-iris.js';
import type { Cmi5MoveOn } from './move-on.js';

export type Cmi5Au = typeof cmi5Aus.$inferSelect;
export type Cmi5Block = typeof cmi5Blocks.$inferSelect;
export type Cmi5Course = typeof cmi5Courses.$inferSelect;

/** An AU with its cmi5 course and the activity id the LMS launches it with. */
export interface Cmi5AuListing {
  readonly au: Cmi5Au;
  readonly course: Cmi5Course;
  readonly activityIri: string;
}

/** What a teacher gives for one AU defined by hand. */
export interface ManualAu {
  readonly title: string;
  readonly url: string;
  readonly moveOn: Cmi5MoveOn;
  readonly masteryScore: number | null;
  readonly launchMethod: 'AnyWindow' | 'OwnWindow';
}

/**
 * Creates a cmi5 course of one AU in the tool course, with publisher ids the tool mints
 * (`urn:uuid:`), and returns the AU's listing.
 */
export async function createManualAu(
  db: Executor,
  publicUrl: string,
  courseId: string,
  manual: ManualAu,
): Promise<Cmi5AuListing> {
  return db.transaction(async (tx) => {
    const [course] = await tx
      .insert(cmi5Courses)
      .values({
        courseId,
        courseIri: `urn:uuid:${randomUUID()}`,
        title: manual.title,
        source: 'manual',
      })
      .returning();
    const [au] = await tx
      .insert(cmi5Aus)
      .values({
        cmi5CourseId: course!.id,
        auIri: `urn:uuid:${randomUUID()}`,
        title: manual.title,
        url: manual.url,
        moveOn: manual.moveOn,
        masteryScore: manual.masteryScore,
        launchMethod: manual.launchMethod,
        position: 0,
      })
      .returning();
    return { au: au!, course: course!, activityIri: cmi5ActivityIri(publicUrl, 'au', au!.id) };
  });
}

/** The AUs of a tool course, in course and document order. */
export async function listCmi5Aus(
  db: Executor,
  publicUrl: string,
  courseId: string,
): Promise<Cmi5AuListing[]> {
  const rows = await db
    .select({ au: cmi5Aus, course: cmi5Courses })
    .from(cmi5Aus)
    .innerJoin(cmi5Courses, eq(cmi5Aus.cmi5CourseId, cmi5Courses.id))
    .where(eq(cmi5Courses.courseId, courseId))
    .orderBy(asc(cmi5Courses.createdAt), asc(cmi5Aus.position));
  return rows.map((row) => ({
    ...row,
    activityIri: cmi5ActivityIri(publicUrl, 'au', row.au.id),
  }));
}

/** One AU of the tool course, or null (also for an AU of another course). */
export async function findCmi5Au(
  db: Executor,
  publicUrl: string,
  courseId: string,
  auId: string,
): Promise<Cmi5AuListing | null> {
  if (!/^[0-9a-f-]{36}$/i.test(auId)) return null;
  const [row] = await db
    .select({ au: cmi5Aus, course: cmi5Courses })
    .from(cmi5Aus)
    .innerJoin(cmi5Courses, eq(cmi5Aus.cmi5CourseId, cmi5Courses.id))
    .where(and(eq(cmi5Aus.id, auId), eq(cmi5Courses.courseId, courseId)))
    .limit(1);
  return row ? { ...row, activityIri: cmi5ActivityIri(publicUrl, 'au', row.au.id) } : null;
}

/** The moveOn of the AUs among these activity ids (the LMS-generated AU ids), by activity id. */
export async function moveOnOfActivities(
  db: Executor,
  activityIds: readonly string[],
): Promise<Map<string, Cmi5MoveOn>> {
  const byAuId = new Map<string, string>();
  for (const activityId of activityIds) {
    const auId = auIdOfActivityIri(activityId);
    if (auId) byAuId.set(auId, activityId);
  }
  if (byAuId.size === 0) return new Map();
  const rows = await db
    .select({ id: cmi5Aus.id, moveOn: cmi5Aus.moveOn })
    .from(cmi5Aus)
    .where(inArray(cmi5Aus.id, [...byAuId.keys()]));
  return new Map(rows.map((row) => [byAuId.get(row.id)!, row.moveOn]));
}

/** A cmi5 course's blocks and AUs, for evaluating moveOn over the structure. */
export async function loadCmi5Structure(
  db: Executor,
  cmi5CourseId: string,
): Promise<{ course: Cmi5Course; blocks: Cmi5Block[]; aus: Cmi5Au[] }> {
  const [course] = await db.select().from(cmi5Courses).where(eq(cmi5Courses.id, cmi5CourseId));
  if (!course) throw new TypeError(`No cmi5 course ${cmi5CourseId}`);
  const blocks = await db
    .select()
    .from(cmi5Blocks)
    .where(eq(cmi5Blocks.cmi5CourseId, cmi5CourseId));
  const aus = await db.select().from(cmi5Aus).where(eq(cmi5Aus.cmi5CourseId, cmi5CourseId));
  return { course, blocks, aus };
}
