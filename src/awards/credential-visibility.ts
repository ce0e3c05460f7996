import { eq } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import { achievements, awards } from '../db/schema.js';
import { CredentialNotYoursError, NotFoundError } from '../errors.js';
import { isUuid } from '../shared/uuid.js';

/**
 * Who may see a credential's public page, JSON and images: anyone holding its link when it is
 * public (the default: the link is a random UUID, listed nowhere, so it reaches only those the
 * learner shares it with); when hidden, only its learner and the teachers of the course that
 * awarded it. A presented credential file verifies
 * either way, and its status list stays public (README, "Privacy").
 */
export interface CredentialAudience {
  readonly holderUserId: string;
  /** The course whose achievement it was awarded for. */
  readonly courseId: string;
  readonly isPublic: boolean;
}

/** The audience of the credential issued under `awardId`; undefined when none was. */
export async function findCredentialAudience(
  db: Db,
  awardId: string,
): Promise<CredentialAudience | undefined> {
  if (!isUuid(awardId)) return undefined;
  const [award] = await db
    .select({
      holderUserId: awards.userId,
      courseId: achievements.courseId,
      isPublic: awards.isPublic,
    })
    .from(awards)
    .innerJoin(achievements, eq(achievements.id, awards.achievementId))
    .where(eq(awards.id, awardId));
  return award;
}

/**
 * The learner's choice for one of their credentials. Throws NotFoundError for an unknown
 * credential and CredentialNotYoursError when it is another person's: only its learner decides.
 */
export async function setCredentialVisibility(
  db: Db,
  change: { awardId: string; userId: string; isPublic: boolean },
): Promise<void> {
  const audience = await findCredentialAudience(db, change.awardId);
  if (!audience)
    throw new NotFoundError(`No credential with id ${change.awardId} was issued here.`);
  if (audience.holderUserId !== change.userId) {
    throw new CredentialNotYoursError(
      'This credential belongs to another learner: only they choose who sees it.',
    );
  }
  await db.update(awards).set({ isPublic: change.isPublic }).where(eq(awards.id, change.awardId));
}
