import { inArray } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { statements } from '../db/schema.js';
import { enqueueJobs, jobOf } from '../jobs/enqueue-job.js';
import { VOIDED_VERB_ID } from '../xapi/statement.js';
import type { StoredStatement } from '../xapi/statement-store.js';
import { evaluateLearnerJob } from './award-jobs.js';
import { rebuildOutcomes, recordOutcomes } from './load-outcome-state.js';
import { isReferenced } from './rule-index.js';

/**
 * Called by the LRS inside the transaction that stores statements. It folds them into the
 * learners' outcome state (cost per statement, whatever the number of learners), rebuilds the
 * state a voiding statement changed, and queues one durable evaluation per learner, so an
 * award can never be lost between the commit and the evaluation. Resolves true when it queued
 * an evaluation.
 */
export async function enqueueEvaluations(
  tx: Executor,
  stored: readonly StoredStatement[],
): Promise<boolean> {
  const counted = stored.filter(
    (s): s is StoredStatement & { userId: string; activityId: string } =>
      s.userId !== null && s.activityId !== null && !s.isVoided && s.verbId !== VOIDED_VERB_ID,
  );
  const improved = await recordOutcomes(
    tx,
    counted.map((s) => ({ ...s, statementId: s.id })),
  );
  await rebuildVoided(tx, stored);

  // Only statements that improved an outcome can newly meet a rule, and only if a rule looks
  // at their activity: the others need no evaluation.
  const improvedKeys = new Set(improved.map((i) => `${i.userId} ${i.activityId}`));
  const relevant = counted.filter((s) => improvedKeys.has(`${s.userId} ${s.activityId}`));
  if (!(await isReferenced(tx, [...new Set(relevant.map((s) => s.activityId))]))) return false;
  const byUser = new Map<string, { firstStatementId: string; activityIds: Set<string> }>();
  for (const statement of relevant) {
    const entry = byUser.get(statement.userId) ?? {
      firstStatementId: statement.id,
      activityIds: new Set<string>(),
    };
    entry.activityIds.add(statement.activityId);
    byUser.set(statement.userId, entry);
  }
  await enqueueJobs(
    tx,
    [...byUser].map(([userId, entry]) =>
      jobOf(
        evaluateLearnerJob,
        { userId, activityIds: [...entry.activityIds].sort(), achievementIds: [] },
        `${entry.firstStatementId}:${userId}`,
      ),
    ),
  );
  return byUser.size > 0;
}

async function rebuildVoided(tx: Executor, stored: readonly StoredStatement[]): Promise<void> {
  const targetIds = stored.flatMap((s) => {
    if (s.verbId !== VOIDED_VERB_ID) return [];
    const object = s.statement.object as { objectType?: string; id?: string };
    return object.objectType === 'StatementRef' && object.id ? [object.id] : [];
  });
  const voided = stored.filter((s) => s.isVoided && s.verbId !== VOIDED_VERB_ID).map((s) => s.id);
  const ids = [...new Set([...targetIds, ...voided])];
  if (ids.length === 0) return;
  const targets = await tx
    .select({ userId: statements.userId, activityId: statements.activityId })
    .from(statements)
    .where(inArray(statements.id, ids));
  const byUser = new Map<string, Set<string>>();
  for (const { userId, activityId } of targets) {
    if (!userId || !activityId) continue;
    byUser.set(userId, (byUser.get(userId) ?? new Set()).add(activityId));
  }
  for (const [userId, activityIds] of [...byUser].sort(([a], [b]) => (a < b ? -1 : 1))) {
    await rebuildOutcomes(tx, userId, [...activityIds].sort());
  }
}
