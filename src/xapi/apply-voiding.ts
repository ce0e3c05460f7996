/** Voiding (xAPI Data 2.3.2): a voiding statement marks the statement it points to voided. */
import { and, inArray, ne } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { statements as statementsTable } from '../db/schema.js';
import {
  VOIDED_VERB_ID,
  type LrsStatement,
  type Statement,
  type StatementRef,
} from './statement.js';
import type { NewStatementRow } from './statement-rows.js';

/** Whether the statement voids another: verb `voided`, object a StatementRef. */
export function isVoidingStatement(
  statement: Pick<Statement, 'verb' | 'object'>,
): statement is Pick<Statement, 'verb'> & { object: StatementRef } {
  return statement.verb.id === VOIDED_VERB_ID && statement.object.objectType === 'StatementRef';
}

/**
 * Marks as voided the statements that the new voiding statements point to, and the new
 * statements that stored voiding statements already pointed to. Returns the ids of the new
 * statements that ended up voided.
 */
export async function applyVoiding(
  tx: Executor,
  newRows: readonly NewStatementRow[],
  alreadyVoidedIds: readonly string[],
): Promise<Set<string>> {
  if (newRows.length === 0) return new Set();
  const targets = newRows.flatMap((row) => {
    const statement = row.statement as unknown as LrsStatement;
    return isVoidingStatement(statement) ? [statement.object.id] : [];
  });
  const newIds = newRows.map((row) => row.id);
  const newIdSet = new Set(newIds);
  const alreadyVoided = alreadyVoidedIds.filter((id) => newIdSet.has(id));
  const toVoid = [...targets, ...alreadyVoided];
  if (toVoid.length === 0) return new Set();
  const voided = await tx
    .update(statementsTable)
    .set({ isVoided: true })
    .where(and(inArray(statementsTable.id, toVoid), ne(statementsTable.verbId, VOIDED_VERB_ID)))
    .returning({ id: statementsTable.id });
  return new Set(voided.map((row) => row.id).filter((id) => newIdSet.has(id)));
}
