import { eq } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import { achievements, awards } from '../db/schema.js';
import { CredentialNotYoursError, CredentialRevokedError, NotFoundError } from '../errors.js';
import { isUuid } from '../shared/uuid.js';

/**
 * The award `awardId` when it belongs to the learner `userId` and is not revoked: what a learner
 * may hand to a wallet. Throws NotFoundError for an unknown award, ForbiddenError for someone
 * else's (CredentialNotYoursError) and CredentialRevokedError for a revoked one.
 */
export async function findOwnValidAward(
  db: Db,
  awardId: string,
  userId: string,
): Promise<{ id: string; achievementName: string }> {
  if (!isUuid(awardId))
    throw new NotFoundError(`No credential with id ${awardId} was issued here.`);
  const [award] = await db
    .select({
      id: awards.id,
      userId: awards.userId,
      achievementName: achievements.name,
      revokedAt: awards.revokedAt,
    })
    .from(awards)
    .innerJoin(achievements, eq(achievements.id, awards.achievementId))
    .where(eq(awards.id, awardId));
  if (!award) throw new NotFoundError(`No credential with id ${awardId} was issued here.`);
  if (award.userId !== userId) {
    throw new CredentialNotYoursError('This credential belongs to another learner.');
  }
  if (award.revokedAt) {
    throw new CredentialRevokedError(
      'This credential has been revoked; it can no longer be sent to a wallet.',
    );
  }
  return { id: award.id, achievementName: award.achievementName };
}
