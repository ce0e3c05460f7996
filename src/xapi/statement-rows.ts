/** The `statements` rows the store inserts: their columns, taken from each statement. */
import { sql } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { statements as statementsTable } from '../db/schema.js';
import { actorKey } from './actor-keys.js';
import type { LrsStatement } from './statement.js';
import { searchKeysOf } from './statement-search-keys.js';

type StatementRow = typeof statementsTable.$inferSelect;
/** Who sent a statement, the trust level it carries (ARCHITECTURE.md, Trust). */
export type StatementSource = StatementRow['source'];

export function toRow(
  statement: LrsStatement,
  fields: {
    userId: string | null;
    source: StatementSource;
    credentialKey: string;
    now: Date;
    /** The platform whose learner the actor may become; kept only while `userId` is null. */
    pendingPlatformId: string | null;
  },
) {
  const isPending = fields.userId === null && fields.pendingPlatformId !== null;
  const { object, result, context } = statement;
  const isActivity = object.objectType === undefined || object.objectType === 'Activity';
  return {
    id: statement.id,
    userId: fields.userId,
    verbId: statement.verb.id,
    activityId: isActivity ? object.id : null,
    registration: context?.registration ?? null,
    scoreScaled: result?.score?.scaled ?? null,
    success: result?.success ?? null,
    completion: result?.completion ?? null,
    source: fields.source,
    credentialKey: fields.credentialKey,
    stored: fields.now,
    statement: statement as unknown as Record<string, unknown>,
    pendingPlatformId: isPending ? fields.pendingPlatformId : null,
    pendingActorKey: isPending ? actorKey(statement.actor) : null,
    ...searchKeysOf(statement),
  };
}

export type NewStatementRow = ReturnType<typeof toRow>;

/**
 * Inserts the rows in their order, skipping ids already stored; returns the inserted ids with
 * their `seq`. The rows go as one JSON parameter: building a multi-row INSERT value by value
 * costs more CPU than everything else the LRS does with a statement.
 */
export async function insertRows(
  tx: Executor,
  rows: readonly NewStatementRow[],
): Promise<{ id: string; seq: number }[]> {
  const result = await tx.execute(sql`
    insert into ${statementsTable} (id, user_id, verb_id, activity_id, registration,
      score_scaled, success, completion, source, credential_key, stored, statement,
      pending_platform_id, pending_actor_key, agent_keys, related_agent_keys,
      related_activity_ids, object_statement_id)
    select row.id, row.user_id, row.verb_id, row.activity_id, row.registration,
      row.score_scaled, row.success, row.completion, row.source, row.credential_key, row.stored,
      row.statement, row.pending_platform_id, row.pending_actor_key, row.agent_keys,
      row.related_agent_keys, row.related_activity_ids, row.object_statement_id
      from jsonb_array_elements(${JSON.stringify(rows.map(toRecord))}::jsonb)
        with ordinality as element(value, position)
      cross join lateral jsonb_populate_record(null::${statementsTable}, element.value) as row
     order by element.position
    on conflict (id) do nothing
    returning id, seq`);
  return rowsOf(result).map((row) => ({ id: String(row.id), seq: Number(row.seq) }));
}

/** A row as jsonb_populate_record reads it: keyed by column name. */
function toRecord(row: NewStatementRow) {
  return {
    id: row.id,
    user_id: row.userId,
    verb_id: row.verbId,
    activity_id: row.activityId,
    registration: row.registration,
    score_scaled: row.scoreScaled,
    success: row.success,
    completion: row.completion,
    source: row.source,
    credential_key: row.credentialKey,
    stored: row.stored,
    statement: row.statement,
    pending_platform_id: row.pendingPlatformId,
    pending_actor_key: row.pendingActorKey,
    agent_keys: row.agentKeys,
    related_agent_keys: row.relatedAgentKeys,
    related_activity_ids: row.relatedActivityIds,
    object_statement_id: row.objectStatementId,
  };
}

/** The rows of a raw query result. */
export function rowsOf(result: unknown): Record<string, unknown>[] {
  return (result as { rows: Record<string, unknown>[] }).rows;
}
