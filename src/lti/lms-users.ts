import { and, asc, eq } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { courses, enrolments, platforms, users } from '../db/schema.js';

/** The LMS account a user launched with: the platform's issuer, the `sub` and the name. */
export async function findLmsAccount(
  db: Executor,
  userId: string,
): Promise<{ sub: string; name: string | null; issuer: string } | undefined> {
  const [account] = await db
    .select({ sub: users.sub, name: users.name, issuer: platforms.issuer })
    .from(users)
    .innerJoin(platforms, eq(platforms.id, users.platformId))
    .where(eq(users.id, userId));
  return account;
}

/** The course's title and the user's name and `sub`, as the last launches told them. */
export async function findCourseAndUserNames(
  db: Executor,
  courseId: string,
  userId: string,
): Promise<{ courseTitle: string | null; userName: string | null; userSub: string } | undefined> {
  const [names] = await db
    .select({ courseTitle: courses.title, userName: users.name, userSub: users.sub })
    .from(courses)
    .innerJoin(users, eq(users.id, userId))
    .where(eq(courses.id, courseId));
  return names;
}

/** The client id and issuer of the platform a course lives on. */
export async function findCoursePlatform(
  db: Executor,
  courseId: string,
): Promise<{ clientId: string; issuer: string } | undefined> {
  const [platform] = await db
    .select({ clientId: platforms.clientId, issuer: platforms.issuer })
    .from(courses)
    .innerJoin(platforms, eq(platforms.id, courses.platformId))
    .where(eq(courses.id, courseId));
  return platform;
}

/** The learners enrolled in a course (as their launches told it), by name. */
export async function listCourseLearners(
  db: Executor,
  courseId: string,
): Promise<{ userId: string; name: string | null; sub: string }[]> {
  return db
    .select({ userId: users.id, name: users.name, sub: users.sub })
    .from(enrolments)
    .innerJoin(users, eq(users.id, enrolments.userId))
    .where(and(eq(enrolments.courseId, courseId), eq(enrolments.role, 'learner')))
    .orderBy(asc(users.name), asc(users.sub));
}
