import { eq } from 'drizzle-orm';
import type { IssuerProfile } from '../badges/issuer-profile.js';
import type { Executor } from '../db/database.js';
import { courses, issuerProfiles, platforms } from '../db/schema.js';

/**
 * The awarding body of a course: the issuer profile of the platform the course belongs to, which
 * signs its credentials; undefined when the platform has none yet.
 */
export async function findCourseIssuerProfile(
  db: Executor,
  courseId: string,
): Promise<IssuerProfile | undefined> {
  const [row] = await db
    .select({ profile: issuerProfiles })
    .from(courses)
    .innerJoin(platforms, eq(platforms.id, courses.platformId))
    .innerJoin(issuerProfiles, eq(issuerProfiles.id, platforms.issuerProfileId))
    .where(eq(courses.id, courseId));
  return row?.profile;
}
