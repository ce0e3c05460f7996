import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { courses, partnerIssuers, platforms } from '../db/schema.js';

/**
 * The partner issuers the awarding body of a course trusts now (its registry, removed ones
 * left out), by name: what a rule on recognised credentials may name.
 */
export async function coursePartners(
  db: Executor,
  courseId: string,
): Promise<{ issuerId: string; name: string }[]> {
  return db
    .select({ issuerId: partnerIssuers.issuerId, name: partnerIssuers.name })
    .from(courses)
    .innerJoin(platforms, eq(platforms.id, courses.platformId))
    .innerJoin(partnerIssuers, eq(partnerIssuers.issuerProfileId, platforms.issuerProfileId))
    .where(and(eq(courses.id, courseId), isNull(partnerIssuers.removedAt)))
    .orderBy(asc(partnerIssuers.name), asc(partnerIssuers.issuerId));
}
