import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { CredentialIssuer } from '../badges/issue-credential.js';
import type { Logger } from '../config/logger.js';
import type { Db, Executor } from '../db/database.js';
import type { platforms, users } from '../db/schema.js';
import { awardClaims, awardRefusals, awards } from '../db/schema.js';
import { enqueueJobs, jobOf } from '../jobs/enqueue-job.js';
import { JobDeferredError } from '../jobs/job-registry.js';
import { LEASE_SECONDS } from '../jobs/job-worker.js';
import {
  awardResult,
  describeEvidence,
  type AwardEvidence,
  type TeacherAward,
} from './award-evidence.js';
import { credentialValidUntil } from './award-expiry.js';
import { evaluateLearnerJob, gradeJob, learnerNoticeJob } from './award-jobs.js';
import type { AchievementRow } from './rule-index.js';
import { evidenceScore, evidenceStatementIds, type Evaluation } from './rules/evaluate.js';

/**
 * A claim to issue a credential older than this is taken over: signing takes milliseconds, and
 * a claim is dropped when signing fails, so an older one belongs to a process that died.
 */
const CLAIM_SECONDS = LEASE_SECONDS;

export interface AwardDeps {
  db: Db;
  logger: Logger;
  issueCredential: CredentialIssuer;
  now?: () => Date;
}

/**
 * Issues the learner's credential of an achievement version whose rule the evaluation met.
 * Exactly one award per learner and achievement version: racing evaluations first claim the
 * award (`award_claims`), so only one signs; a unique index on `awards` backs it up, and only
 * the winner queues the grade passback and the re-evaluation of the stacks built on it.
 * Returns the new award's id, or null when another evaluation issued it.
 */
export async function issueAward(
  deps: AwardDeps,
  recipient: { user: typeof users.$inferSelect; platform: typeof platforms.$inferSelect },
  achievement: AchievementRow,
  evaluation: Evaluation,
  creditOnly: boolean,
  awardedBy: TeacherAward | null = null,
): Promise<string | null> {
  const { db } = deps;
  const evidence = {
    ...(await describeEvidence(
      db,
      recipient.platform.trustLevel,
      achievement,
      evaluation,
      creditOnly,
    )),
    ...(awardedBy ? { awardedBy } : {}),
  };
  const awardId = randomUUID();
  if (!(await claim(db, recipient.user.id, achievement, awardId))) {
    if (await isIssued(db, recipient.user.id, achievement)) return null;
    // Another worker is issuing it, or died doing so: look again once its claim may be stale.
    throw new JobDeferredError('another worker holds the claim to issue this credential', 2);
  }
  try {
    return await issueAndStore(deps, recipient, achievement, evaluation, evidence, awardId);
  } catch (error) {
    await db.delete(awardClaims).where(eq(awardClaims.awardId, awardId));
    throw error;
  }
}

async function isIssued(db: Db, userId: string, achievement: AchievementRow): Promise<boolean> {
  const [issued] = await db
    .select({ id: awards.id })
    .from(awards)
    .where(
      and(
        eq(awards.userId, userId),
        eq(awards.achievementId, achievement.id),
        eq(awards.achievementVersion, achievement.version),
      ),
    )
    .limit(1);
  return issued !== undefined;
}

/**
 * Claims the right to issue this learner's credential of this achievement version. False when
 * another evaluation holds a live claim (or already issued it).
 */
async function claim(
  db: Executor,
  userId: string,
  achievement: AchievementRow,
  awardId: string,
): Promise<boolean> {
  const claimed = await db
    .insert(awardClaims)
    .values({
      userId,
      achievementId: achievement.id,
      achievementVersion: achievement.version,
      awardId,
    })
    .onConflictDoUpdate({
      target: [awardClaims.userId, awardClaims.achievementId, awardClaims.achievementVersion],
      set: { awardId, claimedAt: sql`now()` },
      setWhere: sql`${awardClaims.claimedAt} < now() - make_interval(secs => ${CLAIM_SECONDS})
        and not exists (select 1 from ${awards} where ${awards.userId} = ${userId}
          and ${awards.achievementId} = ${achievement.id}
          and ${awards.achievementVersion} = ${achievement.version})`,
    })
    .returning({ awardId: awardClaims.awardId });
  return claimed[0]?.awardId === awardId;
}

async function issueAndStore(
  deps: AwardDeps,
  recipient: { user: typeof users.$inferSelect; platform: typeof platforms.$inferSelect },
  achievement: AchievementRow,
  evaluation: Evaluation,
  evidence: AwardEvidence,
  awardId: string,
): Promise<string | null> {
  const { db, logger, issueCredential } = deps;
  const { scoreScaled, averageWeighting } = awardResult(evidence, evidenceScore(evaluation));
  const statementIds = evidenceStatementIds(evaluation);
  const issuedAt = deps.now?.() ?? new Date();
  const validUntil = credentialValidUntil(achievement, issuedAt);
  const credential = await issueCredential({
    awardId,
    issuedAt,
    validUntil,
    awardedBy: evidence.awardedBy
      ? { name: evidence.awardedBy.name, reason: evidence.awardedBy.reason }
      : null,
    issuerProfileId: recipient.platform.issuerProfileId,
    // The credential states the credit this learner earned (none in the badge form): every ECTS
    // figure in it is the award's one number.
    achievement: { ...achievement, ects: evidence.creditsEarned },
    recipient: {
      platformIssuer: recipient.platform.issuer,
      sub: recipient.user.sub,
      name: recipient.user.name,
      email: recipient.user.email,
    },
    evidenceStatementIds: statementIds,
    scoreScaled,
    form: evidence.form,
    isCreditWithheld: evidence.trustLevel === 'self-study' && achievement.ects !== null,
    outcomes: evidence.statements,
    stackedCredentials: evidence.stackedCredentials,
    recognisedCredentials: evidence.recognisedCredentials ?? [],
    stackResult: evidence.stackResult,
    averageWeighting,
  });

  // The award, and only if it is new, its grade passback, the re-evaluation of the stacks
  // built on it, the learner's email and the end of an earlier refusal: all or nothing.
  const jobs = [
    jobOf(gradeJob, { awardId, scoreScaled }, awardId),
    jobOf(
      evaluateLearnerJob,
      { userId: recipient.user.id, activityIds: [], achievementIds: [achievement.id] },
      `award:${awardId}`,
    ),
    jobOf(learnerNoticeJob, { awardId, event: 'awarded' }, `awarded:${awardId}`),
  ];
  const isNew = await db.transaction(async (tx) => {
    const inserted = tx.$with('inserted').as(
      tx
        .insert(awards)
        .values({
          id: awardId,
          userId: recipient.user.id,
          achievementId: achievement.id,
          achievementVersion: achievement.version,
          evidenceStatementIds: statementIds,
          credential,
          issuedAt,
          validUntil,
          form: evidence.form,
          evidence: { ...evidence },
          scoreScaled,
        })
        .onConflictDoNothing()
        .returning({ id: awards.id }),
    );
    const cleared = tx.$with('cleared').as(
      tx
        .delete(awardRefusals)
        .where(
          and(
            eq(awardRefusals.userId, recipient.user.id),
            eq(awardRefusals.achievementId, achievement.id),
            sql`exists (select 1 from ${inserted})`,
          ),
        )
        .returning({ userId: awardRefusals.userId }),
    );
    const rows = await tx.with(inserted, cleared).select({ id: inserted.id }).from(inserted);
    if (rows.length === 0) return false;
    await enqueueJobs(tx, jobs);
    return true;
  });
  if (!isNew) return null;
  logger.info('awards', 'credential awarded', {
    awardId,
    userId: recipient.user.id,
    achievementId: achievement.id,
    form: evidence.form,
  });
  return awardId;
}
