import { asc, eq } from 'drizzle-orm';
import type { Db } from '../../db/database.js';
import { courses, platforms, rosterMembers } from '../../db/schema.js';
import { ConflictError, NotFoundError } from '../../errors.js';
import type { PlatformServices } from '../platform-services.js';
import { fetchRoster, type RosterMember } from './fetch-roster.js';

/** How long a fetched roster is served from the cache before it is fetched again. */
export const ROSTER_MAX_AGE_SECONDS = 15 * 60;

/** Rows per insert statement: PostgreSQL takes at most 65535 parameters per statement. */
const INSERT_BATCH_SIZE = 1000;

/** The platform gave this course no membership service (no NRPS claim in its launches). */
export class NrpsNotGrantedError extends ConflictError {
  override readonly code = 'NRPS_NOT_GRANTED';
}

export interface CourseRoster {
  readonly courseId: string;
  /** When the platform was asked; the cache's age. */
  readonly fetchedAt: Date;
  /** Whether this answer came from the platform just now rather than from the cache. */
  readonly isFresh: boolean;
  readonly members: readonly RosterMember[];
}

export interface LoadCourseRosterOptions {
  /** Fetch from the platform even when the cached roster is young enough. */
  readonly refresh?: boolean;
  readonly now?: Date;
}

/**
 * The roster of a course: the cached one while it is younger than
 * {@link ROSTER_MAX_AGE_SECONDS}, else, or when `refresh` is set, the one the platform's
 * membership service lists now, which replaces the cached one as a whole in one transaction.
 * An empty roster is never served from the cache (the teacher asking is on it).
 *
 * Throws NotFoundError for an unknown course, NrpsNotGrantedError when no launch of the course
 * carried the NRPS claim, and NrpsPlatformError when the platform fails or refuses.
 */
export async function loadCourseRoster(
  deps: { db: Db; services: PlatformServices },
  courseId: string,
  options: LoadCourseRosterOptions = {},
): Promise<CourseRoster> {
  const { db, services } = deps;
  const now = options.now ?? new Date();

  if (!options.refresh) {
    const cached = await readCachedRoster(db, courseId);
    if (cached && now.getTime() - cached.fetchedAt.getTime() < ROSTER_MAX_AGE_SECONDS * 1000) {
      return { courseId, ...cached, isFresh: false };
    }
  }

  const [course] = await db
    .select({
      membershipsUrl: courses.nrpsMembershipsUrl,
      platformIssuer: platforms.issuer,
      clientId: platforms.clientId,
    })
    .from(courses)
    .innerJoin(platforms, eq(platforms.id, courses.platformId))
    .where(eq(courses.id, courseId));
  if (!course) throw new NotFoundError(`No course ${courseId}.`);
  if (!course.membershipsUrl) {
    throw new NrpsNotGrantedError(
      'Your LMS did not grant microcred access to the course roster: its launches carry no Names and Role Provisioning Services claim. Ask your LMS administrator to enable the roster (Names and Role Provisioning) service and the sharing of names for microcred, then open microcred from the course again.',
    );
  }
  const members = await fetchRoster(services, {
    platformIssuer: course.platformIssuer,
    clientId: course.clientId,
    membershipsUrl: course.membershipsUrl,
  });
  await replaceCachedRoster(db, courseId, members, now);
  return { courseId, fetchedAt: now, isFresh: true, members };
}

async function readCachedRoster(db: Db, courseId: string) {
  const rows = await db
    .select()
    .from(rosterMembers)
    .where(eq(rosterMembers.courseId, courseId))
    .orderBy(asc(rosterMembers.position));
  const [first] = rows;
  if (!first) return null;
  // All rows of a course come from one fetch, so they share their fetchedAt.
  return {
    fetchedAt: first.fetchedAt,
    members: rows.map((row): RosterMember => ({
      userId: row.userSub,
      name: row.name,
      email: row.email,
      username: row.username,
      roles: row.roles,
      status: row.status,
    })),
  };
}

async function replaceCachedRoster(
  db: Db,
  courseId: string,
  members: readonly RosterMember[],
  fetchedAt: Date,
): Promise<void> {
  await db.transaction(async (tx) => {
    // Concurrent refreshes of one course take turns here, so the last one wins whole.
    await tx.select({ id: courses.id }).from(courses).where(eq(courses.id, courseId)).for('update');
    await tx.delete(rosterMembers).where(eq(rosterMembers.courseId, courseId));
    const rows = members.map((member, position) => ({
      courseId,
      userSub: member.userId,
      position,
      name: member.name,
      email: member.email,
      username: member.username,
      roles: [...member.roles],
      status: member.status,
      fetchedAt,
    }));
    for (let start = 0; start < rows.length; start += INSERT_BATCH_SIZE) {
      await tx.insert(rosterMembers).values(rows.slice(start, start + INSERT_BATCH_SIZE));
    }
  });
}
