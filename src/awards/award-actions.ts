/**
 * What a teacher does to an issued award: revoke or reinstate it (the credential's status bit,
 * with the reason recorded, and the award with the stacks built on it, in one transaction), and
 * send its grade to the LMS again. `gradeStates` tells where each award's grade stands.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { changeCredentialStatus } from '../badges/status-list.js';
import type { Db, Executor } from '../db/database.js';
import { achievements, awardFlags, awards, outbox } from '../db/schema.js';
import { ConflictError, NotFoundError } from '../errors.js';
import {
  EVALUATE_JOB,
  GRADE_JOB,
  revokeAward,
  type EvaluateJobPayload,
  type GradeJobPayload,
} from './award-service.js';
import { enqueue } from './outbox.js';

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
 * flags the stacks built on it (award-service revokeAward); reinstating clears both and has the
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
    const stacks: EvaluateJobPayload = {
      userId: award.userId,
      activityIds: [],
      achievementIds: [award.achievementId],
    };
    await enqueue(tx, {
      kind: EVALUATE_JOB,
      dedupeKey: `${EVALUATE_JOB}:reinstated:${award.id}:${randomUUID()}`,
      payload: { ...stacks },
    });
  });
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
  const grade: GradeJobPayload = { awardId, scoreScaled: award.scoreScaled };
  const requeued = await db
    .insert(outbox)
    .values({ kind: GRADE_JOB, dedupeKey: `${GRADE_JOB}:${awardId}`, payload: { ...grade } })
    .onConflictDoUpdate({
      target: outbox.dedupeKey,
      set: {
        payload: sql`excluded.payload`,
        status: 'pending',
        attempts: 0,
        nextAttemptAt: sql`now()`,
        lastError: null,
        finishedAt: null,
      },
      setWhere: sql`${outbox.status} <> 'pending'`,
    })
    .returning({ id: outbox.id });
  return requeued.length > 0 ? 'queued' : 'alreadyQueued';
}

/** Where the grade of each award stands: its grade job's status, or 'none' without one. */
export async function gradeStates(
  db: Executor,
  awardIds: readonly string[],
): Promise<Map<string, GradeState>> {
  const states = new Map<string, GradeState>(awardIds.map((id) => [id, 'none']));
  if (awardIds.length === 0) return states;
  const jobs = await db
    .select({ dedupeKey: outbox.dedupeKey, status: outbox.status })
    .from(outbox)
    .where(
      inArray(
        outbox.dedupeKey,
        awardIds.map((id) => `${GRADE_JOB}:${id}`),
      ),
    );
  for (const job of jobs) states.set(job.dedupeKey.slice(GRADE_JOB.length + 1), job.status);
  return states;
}
