import { inArray } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { statements } from '../db/schema.js';
import { enqueueJobs, jobOf } from '../jobs/enqueue-job.js';
import { activityEvidence } from '../xapi/lms-emitters.js';
import { VOIDED_VERB_ID, type Statement } from '../xapi/statement.js';
import type { StoredStatement } from '../xapi/statement-store.js';
import { evaluateLearnerJob } from './award-jobs.js';
import { rebuildOutcomes, recordOutcomes } from './load-outcome-state.js';
import { outcomeFactsOf } from './outcome-state.js';
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
  const facts = stored.flatMap((s) =>
    s.userId === null || s.isVoided || s.verbId === VOIDED_VERB_ID
      ? []
      : outcomeFactsOf({ ...s, userId: s.userId }),
  );
  const improved = await recordOutcomes(tx, facts);
  await rebuildVoided(tx, stored);

  // Only statements that improved an outcome can newly meet a rule, and only if a rule looks
  // at their activity: the others need no evaluation.
  const improvedKeys = new Set(improved.map((i) => `${i.userId} ${i.activityId}`));
  const relevant = facts.filter((f) => improvedKeys.has(`${f.userId} ${f.activityId}`));
  if (!(await isReferenced(tx, [...new Set(relevant.map((f) => f.activityId))]))) return false;
  const byUser = new Map<string, { firstStatementId: string; activityIds: Set<string> }>();
  for (const fact of relevant) {
    const entry = byUser.get(fact.userId) ?? {
      firstStatementId: fact.statementId,
      activityIds: new Set<string>(),
    };
    entry.activityIds.add(fact.activityId);
    byUser.set(fact.userId, entry);
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
    .select({
      userId: statements.userId,
      source: statements.source,
      statement: statements.statement,
    })
    .from(statements)
    .where(inArray(statements.id, ids));
  const byUser = new Map<string, Set<string>>();
  for (const { userId, source, statement } of targets) {
    if (!userId) continue;
    for (const { activityId } of activityEvidence(statement as unknown as Statement, source)) {
      byUser.set(userId, (byUser.get(userId) ?? new Set()).add(activityId));
    }
  }
  for (const [userId, activityIds] of [...byUser].sort(([a], [b]) => (a < b ? -1 : 1))) {
    await rebuildOutcomes(tx, userId, [...activityIds].sort());
  }
}
