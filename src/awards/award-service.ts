import { randomUUID } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import type { CredentialIssuer } from '../badges/issue-credential.js';
import type { Logger } from '../config/logger.js';
import type { Db, Executor } from '../db/database.js';
import { achievements, awards, enrolments, platforms, users } from '../db/schema.js';
import { enqueue } from './outbox.js';
import { loadOutcomeState } from './load-outcome-state.js';
import { evaluateRule } from './rules/evaluate.js';
import { activitiesOfRule, parseRule } from './rules/rule-schema.js';

export const EVALUATE_JOB = 'evaluate-learner';
export const GRADE_JOB = 'ags-score';

export interface GradeJobPayload {
  awardId: string;
  scoreScaled: number;
}

/**
 * Called by the LRS inside the transaction that stores statements: queues one durable
 * evaluation per learner, so an award can never be lost between the commit and the evaluation.
 */
export async function enqueueEvaluations(
  tx: Executor,
  stored: readonly { id: string; userId: string | null; activityId: string | null }[],
): Promise<void> {
  const byUser = new Map<string, { firstStatementId: string; activityIds: Set<string> }>();
  for (const statement of stored) {
    if (!statement.userId || !statement.activityId) continue;
    const entry = byUser.get(statement.userId) ?? {
      firstStatementId: statement.id,
      activityIds: new Set<string>(),
    };
    entry.activityIds.add(statement.activityId);
    byUser.set(statement.userId, entry);
  }
  for (const [userId, entry] of byUser) {
    await enqueue(tx, {
      kind: EVALUATE_JOB,
      dedupeKey: `${EVALUATE_JOB}:${entry.firstStatementId}:${userId}`,
      payload: { userId, activityIds: [...entry.activityIds] },
    });
  }
}

/**
 * Evaluates the achievements of a learner's courses whose rules look at the given activities,
 * and issues a credential for each rule newly met. Exactly one award per learner and
 * achievement version: a unique index decides between racing evaluations, and only the
 * winner queues the grade passback. Returns the ids of the awards it created.
 */
export async function evaluateLearner(
  deps: { db: Db; logger: Logger; issueCredential: CredentialIssuer; now?: () => Date },
  userId: string,
  activityIds: readonly string[],
): Promise<string[]> {
  const { db, logger, issueCredential } = deps;
  const candidates = (
    await db
      .select({ achievement: achievements })
      .from(achievements)
      .innerJoin(enrolments, eq(enrolments.courseId, achievements.courseId))
      .where(eq(enrolments.userId, userId))
  )
    .map(({ achievement }) => ({ achievement, rule: parseRule(achievement.rule) }))
    .filter(({ rule }) =>
      activitiesOfRule(rule).some((activity) => activityIds.includes(activity)),
    );
  if (candidates.length === 0) return [];

  const awarded = await db
    .select({ achievementId: awards.achievementId, version: awards.achievementVersion })
    .from(awards)
    .where(
      and(
        eq(awards.userId, userId),
        inArray(
          awards.achievementId,
          candidates.map((c) => c.achievement.id),
        ),
      ),
    );
  const pending = candidates.filter(
    ({ achievement }) =>
      !awarded.some((a) => a.achievementId === achievement.id && a.version === achievement.version),
  );
  if (pending.length === 0) return [];

  const state = await loadOutcomeState(db, userId, [
    ...new Set(pending.flatMap(({ rule }) => activitiesOfRule(rule))),
  ]);

  const created: string[] = [];
  for (const { achievement, rule } of pending) {
    const evaluation = evaluateRule(rule, state);
    if (!evaluation.isMet) continue;
    const [recipient] = await db
      .select({ user: users, platform: platforms })
      .from(users)
      .innerJoin(platforms, eq(platforms.id, users.platformId))
      .where(eq(users.id, userId));
    if (!recipient) throw new Error(`User ${userId} vanished during evaluation`);

    // xAPI scaled scores run from -1; a grade and an OB result run from 0.
    const scores = [...evaluation.scores.values()].map((score) => Math.max(0, score));
    const scoreScaled =
      scores.length > 0 ? scores.reduce((a, b) => a + b, 0) / scores.length : null;
    const awardId = randomUUID();
    const issuedAt = deps.now?.() ?? new Date();
    const credential = await issueCredential({
      awardId,
      issuedAt,
      issuerProfileId: recipient.platform.issuerProfileId,
      achievement,
      recipient: {
        platformIssuer: recipient.platform.issuer,
        sub: recipient.user.sub,
        name: recipient.user.name,
        email: recipient.user.email,
      },
      evidenceStatementIds: evaluation.evidenceStatementIds,
      scoreScaled,
    });

    const isNew = await db.transaction(async (tx) => {
      const inserted = await tx
        .insert(awards)
        .values({
          id: awardId,
          userId,
          achievementId: achievement.id,
          achievementVersion: achievement.version,
          evidenceStatementIds: [...evaluation.evidenceStatementIds],
          credential,
          issuedAt,
        })
        .onConflictDoNothing()
        .returning({ id: awards.id });
      if (inserted.length === 0) return false;
      const payload: GradeJobPayload = { awardId, scoreScaled: scoreScaled ?? 1 };
      await enqueue(tx, {
        kind: GRADE_JOB,
        dedupeKey: `${GRADE_JOB}:${awardId}`,
        payload: { ...payload },
      });
      return true;
    });
    if (isNew) {
      logger.info('awards', 'credential awarded', {
        awardId,
        userId,
        achievementId: achievement.id,
      });
      created.push(awardId);
    }
  }
  return created;
}
