import { and, desc, eq } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import { partnerIssuers, recognisedCredentials, users } from '../db/schema.js';
import { NotFoundError } from '../errors.js';
import { enqueueCredentialRecognised } from '../jobs/credential-recognised-job.js';
import { isUuid } from '../shared/uuid.js';

/** A credential a learner brought, with the partner that issued it, for the pages. */
export type BroughtCredential = {
  id: string;
  achievementName: string;
  achievementId: string;
  partnerName: string;
  partnerIssuerId: string;
  statedEcts: number | null;
  countedEcts: number | null;
  status: 'recognised' | 'awaiting-review';
  binding: 'presentation' | 'identity' | 'teacher-review';
  validUntil: Date | null;
  createdAt: Date;
  learnerName: string | null;
};

const COLUMNS = {
  id: recognisedCredentials.id,
  achievementName: recognisedCredentials.achievementName,
  achievementId: recognisedCredentials.achievementId,
  partnerName: partnerIssuers.name,
  partnerIssuerId: partnerIssuers.issuerId,
  statedEcts: recognisedCredentials.statedEcts,
  countedEcts: recognisedCredentials.countedEcts,
  status: recognisedCredentials.status,
  binding: recognisedCredentials.binding,
  validUntil: recognisedCredentials.validUntil,
  createdAt: recognisedCredentials.createdAt,
  learnerName: users.name,
};

/** The credentials a learner brought, newest first. */
export async function listBroughtCredentials(db: Db, userId: string): Promise<BroughtCredential[]> {
  return db
    .select(COLUMNS)
    .from(recognisedCredentials)
    .innerJoin(partnerIssuers, eq(partnerIssuers.id, recognisedCredentials.partnerIssuerId))
    .innerJoin(users, eq(users.id, recognisedCredentials.userId))
    .where(eq(recognisedCredentials.userId, userId))
    .orderBy(desc(recognisedCredentials.createdAt));
}

/** The credentials brought in a course that wait for its teachers' review, oldest first. */
export async function listAwaitingReview(db: Db, courseId: string): Promise<BroughtCredential[]> {
  const rows = await db
    .select(COLUMNS)
    .from(recognisedCredentials)
    .innerJoin(partnerIssuers, eq(partnerIssuers.id, recognisedCredentials.partnerIssuerId))
    .innerJoin(users, eq(users.id, recognisedCredentials.userId))
    .where(
      and(
        eq(recognisedCredentials.courseId, courseId),
        eq(recognisedCredentials.status, 'awaiting-review'),
      ),
    )
    .orderBy(recognisedCredentials.createdAt);
  return rows;
}

/**
 * A teacher of the course the credential was brought in decides on it: approved, it is
 * recognised (bound by the teacher's review) and the learner's rules that count recognised
 * credentials are evaluated again (a `credential-recognised` job, queued with it); refused, its
 * record is deleted, so the learner may bring it again with what the teacher asked for. Only
 * credentials awaiting review in that course are reachable; any other id is NotFoundError (no
 * hint that it exists elsewhere).
 */
export async function reviewBroughtCredential(
  db: Db,
  review: { id: string; courseId: string; reviewerUserId: string; isApproved: boolean },
): Promise<void> {
  const where = and(
    eq(recognisedCredentials.id, review.id),
    eq(recognisedCredentials.courseId, review.courseId),
    eq(recognisedCredentials.status, 'awaiting-review'),
  );
  const changed = !isUuid(review.id)
    ? []
    : review.isApproved
      ? await db.transaction(async (tx) => {
          const approved = await tx
            .update(recognisedCredentials)
            .set({
              status: 'recognised',
              binding: 'teacher-review',
              reviewedByUserId: review.reviewerUserId,
              reviewedAt: new Date(),
            })
            .where(where)
            .returning({ id: recognisedCredentials.id, userId: recognisedCredentials.userId });
          for (const recognition of approved) await enqueueCredentialRecognised(tx, recognition);
          return approved;
        })
      : await db
          .delete(recognisedCredentials)
          .where(where)
          .returning({ id: recognisedCredentials.id });
  if (changed.length === 0) {
    throw new NotFoundError(
      `No credential awaiting review in this course has the id ${review.id}.`,
    );
  }
}
