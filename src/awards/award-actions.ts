/**
 * What a teacher does to an issued award: revoke or reinstate it (the credential's status bit,
 * with the reason recorded, and the award with the stacks built on it, in one transaction), and
 * send its grade to the LMS again. `gradeStates` tells where each award's grade stands.
 */
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { changeCredentialStatus } from '../badges/status-list.js';
import type { Db, Executor } from '../db/database.js';
import { achievements, awardFlags, awards } from '../db/schema.js';
import { ConflictError, NotFoundError } from '../errors.js';
import { enqueueJob, jobStatuses, requeueJob } from '../jobs/enqueue-job.js';
import { evaluateLearnerJob, gradeJob } from './award-jobs.js';
import { revokeAward } from './revoke-award.js';

export type GradeState = 'pending' | 'done' | 'failed' | 'none';

/** The award if it was issued for an achievement of the course, else NotFoundError. */
export async function findCourseAward(db: Executor, courseId: string, awardId: string) {
  const [row] = await db
    .select({ award: awards })
    .from(awards)
    .innerJoin(achievements, eq(achievements.id, awards.achievementId))
    .where(and(eq(awards.id, awardId), eq(achievements.courseId, courseId)));
  if (!row) throw new NotFoundError(`No award ${awardId} in this course`);
  return row.award;
}

/**
 * Revokes or reinstates an award of the course. Revoking flips the credential's status bit and
 * flags the stacks built on it (revokeAward); reinstating clears both and has the
 * learner's stacks evaluated again. Throws ConflictError when the award already is in that state.
 */
export async function changeAwardStatus(
  db: Db,
  change: {
    courseId: string;
    awardId: string;
    action: 'revoke' | 'reinstate';
    reason: string;
    actor: string;
  },
): Promise<void> {
  await db.transaction(async (tx) => {
    const award = await findCourseAward(tx, change.courseId, change.awardId);
    await changeCredentialStatus(tx, {
      credentialId: award.id,
      action: change.action,
      reason: change.reason,
      actor: change.actor,
    });
    if (change.action === 'revoke') {
      await revokeAward(tx, award.id);
      return;
    }
    await tx.update(awards).set({ revokedAt: null }).where(eq(awards.id, award.id));
    await tx.delete(awardFlags).where(eq(awardFlags.componentAwardId, award.id));
    await enqueueJob(
      tx,
      evaluateLearnerJob,
      { userId: award.userId, activityIds: [], achievementIds: [award.achievementId] },
      `reinstated:${award.id}:${randomUUID()}`,
    );
  });
}

/**
 * Revokes many awards of the course with one reason, each as changeAwardStatus does (its status
 * bit, its stacks flagged, its grade no longer sent) in a transaction of its own. Awards already
 * revoked, or revoked meanwhile, are left as they are, so sending the same list twice revokes
 * nothing more. Returns how many it revoked. Throws NotFoundError for an award of another course
 * before revoking any.
 */
export async function revokeAwards(
  db: Db,
  change: { courseId: string; awardIds: readonly string[]; reason: string; actor: string },
): Promise<number> {
  const found = await Promise.all(
    change.awardIds.map((awardId) => findCourseAward(db, change.courseId, awardId)),
  );
  let revoked = 0;
  for (const award of found.filter((candidate) => candidate.revokedAt === null)) {
    try {
      await changeAwardStatus(db, { ...change, awardId: award.id, action: 'revoke' });
      revoked += 1;
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
    }
  }
  return revoked;
}

/**
 * Queues the award's grade for the LMS again, with the award's own result (never a made-up
 * full mark): its grade job goes back to pending with fresh attempts (an award without one
 * gets one). Answers 'alreadyQueued' when the job is still waiting to run. Throws
 * ConflictError for a revoked award, whose grade is not sent.
 */
export async function resendGrade(
  db: Db,
  courseId: string,
  awardId: string,
): Promise<'queued' | 'alreadyQueued'> {
  const award = await findCourseAward(db, courseId, awardId);
  if (award.revokedAt !== null) {
    throw new ConflictError('A revoked credential sends no grade; reinstate it first.');
  }
  const isQueued = await requeueJob(
    db,
    gradeJob,
    { awardId, scoreScaled: award.scoreScaled },
    awardId,
  );
  return isQueued ? 'queued' : 'alreadyQueued';
}

/** Where the grade of each award stands: its grade job's status, or 'none' without one. */
export async function gradeStates(
  db: Executor,
  awardIds: readonly string[],
): Promise<Map<string, GradeState>> {
  const jobs = await jobStatuses(db, gradeJob, awardIds);
  return new Map(awardIds.map((id) => [id, jobs.get(id) ?? 'none']));
}
