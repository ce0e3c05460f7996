import { and, desc, eq, isNotNull } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { achievements, awards, sessions, users } from '../db/schema.js';
import { NotFoundError } from '../errors.js';
import { isUuid } from '../shared/uuid.js';
import { findIssuedCredential, type IssuedCredential } from './issued-credentials.js';

export interface CertificateAward extends IssuedCredential {
  readonly id: string;
  /** The learner's user id and the course of the achievement: who may have the certificate. */
  readonly userId: string;
  readonly courseId: string;
  readonly learnerName: string | null;
  /** The language of the learner's latest launch that named one; null when none did. */
  readonly learnerLocale: string | null;
}

/**
 * An award with what its certificate needs and who may have it. Throws NotFoundError for an
 * unknown id (or one that is not a UUID).
 */
export async function findCertificateAward(
  db: Executor,
  awardId: string,
): Promise<CertificateAward> {
  const notFound = new NotFoundError(`No credential with id ${awardId} was issued here.`);
  if (!isUuid(awardId)) throw notFound;
  const [award] = await db
    .select({
      id: awards.id,
      userId: awards.userId,
      courseId: achievements.courseId,
      learnerName: users.name,
    })
    .from(awards)
    .innerJoin(achievements, eq(achievements.id, awards.achievementId))
    .innerJoin(users, eq(users.id, awards.userId))
    .where(eq(awards.id, awardId.toLowerCase()));
  const issued = award && (await findIssuedCredential(db, award.id));
  if (!award || !issued) throw notFound;
  const [session] = await db
    .select({ locale: sessions.locale })
    .from(sessions)
    .where(and(eq(sessions.userId, award.userId), isNotNull(sessions.locale)))
    .orderBy(desc(sessions.createdAt))
    .limit(1);
  return { ...award, ...issued, learnerLocale: session?.locale ?? null };
}
