import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { statements } from '../db/schema.js';
import { buildOutcomeState } from './outcome-state.js';
import type { OutcomeState } from './rules/evaluate.js';

/** A learner's outcome state on the given activities, from their stored, unvoided statements. */
export async function loadOutcomeState(
  db: Executor,
  userId: string,
  activityIds: readonly string[],
): Promise<OutcomeState> {
  if (activityIds.length === 0) return new Map();
  const facts = await db
    .select({
      statementId: statements.id,
      activityId: statements.activityId,
      verbId: statements.verbId,
      success: statements.success,
      completion: statements.completion,
      scoreScaled: statements.scoreScaled,
    })
    .from(statements)
    .where(
      and(
        eq(statements.userId, userId),
        eq(statements.isVoided, false),
        inArray(statements.activityId, [...activityIds]),
      ),
    )
    .orderBy(asc(statements.seq));
  return buildOutcomeState(
    facts.flatMap((fact) => (fact.activityId ? [{ ...fact, activityId: fact.activityId }] : [])),
  );
}
