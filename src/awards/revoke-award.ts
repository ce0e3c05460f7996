import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import { achievements, awardFlags, awards, ruleReferences } from '../db/schema.js';
import { enqueueJob } from '../jobs/enqueue-job.js';
import type { AwardEvidence } from './award-evidence.js';
import { evaluateLearnerJob, learnerNoticeJob } from './award-jobs.js';

/**
 * Revokes an award (the badges part flips its status bit) and flags, without revoking, every
 * credential of the same learner that stacked it, so the teacher sees them; the learner is told
 * by email. Returns the ids of the flagged awards.
 */
export async function revokeAward(db: Db, awardId: string, now = new Date()): Promise<string[]> {
  return db.transaction(async (tx) => {
    const [revoked] = await tx
      .update(awards)
      .set({ revokedAt: now })
      .where(and(eq(awards.id, awardId), isNull(awards.revokedAt)))
      .returning();
    if (!revoked) return [];
    const stacks = await tx
      .select({ award: awards, name: achievements.name })
      .from(awards)
      .innerJoin(
        ruleReferences,
        and(
          eq(ruleReferences.achievementId, awards.achievementId),
          eq(ruleReferences.kind, 'achievement'),
          eq(ruleReferences.ref, revoked.achievementId),
        ),
      )
      .innerJoin(achievements, eq(achievements.id, revoked.achievementId))
      .where(and(eq(awards.userId, revoked.userId), isNull(awards.revokedAt)));
    const flagged = stacks.filter(({ award: stack }) =>
      ((stack.evidence as Partial<AwardEvidence> | null)?.stackedCredentials ?? []).some(
        (component) => component.awardId === awardId,
      ),
    );
    for (const { award: stack, name } of flagged) {
      await tx
        .insert(awardFlags)
        .values({
          awardId: stack.id,
          kind: 'component-revoked',
          componentAwardId: awardId,
          message: `A credential stacked into this one was revoked: ${name}. Check whether this credential still holds.`,
        })
        .onConflictDoNothing();
    }
    await enqueueJob(
      tx,
      evaluateLearnerJob,
      { userId: revoked.userId, activityIds: [], achievementIds: [revoked.achievementId] },
      `revoked:${awardId}`,
    );
    // Each revocation is news, also one after a reinstatement.
    await enqueueJob(
      tx,
      learnerNoticeJob,
      { awardId, event: 'revoked' },
      `revoked:${awardId}:${now.getTime()}`,
    );
    return flagged.map(({ award: stack }) => stack.id);
  });
}
