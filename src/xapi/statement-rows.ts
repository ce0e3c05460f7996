/** The `statements` rows the store inserts: their columns, taken from each statement. */
import { sql } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { buildQuery, executeBuilt } from '../db/named-query.js';
import { rowsOf } from '../db/raw-rows.js';
import { statements as statementsTable } from '../db/schema.js';
import { actorKey } from './actor-keys.js';
import type { LrsStatement } from './statement.js';
import { searchKeysOf } from './statement-search-keys.js';
import { writersClock } from './writers-lock.js';

type StatementRow = typeof statementsTable.$inferSelect;
/** Who sent a statement, the trust level it carries (ARCHITECTURE.md, Trust). */
export type StatementSource = StatementRow['source'];

/**
 * A statement as the store inserts it: everything the LRS assigns is set, except `stored` (and
 * `timestamp` when the client sent none) where the INSERT is to take them from the clock.
 */
export type StatementToStore = Omit<LrsStatement, 'stored' | 'timestamp'> &
  Partial<Pick<LrsStatement, 'stored' | 'timestamp'>>;

export function toRow(
  statement: StatementToStore,
  fields: {
    userId: string | null;
    source: StatementSource;
    credentialKey: string;
    /** The `stored` time, or null: the database clock when the row is inserted. */
    stored: Date | null;
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
    stored: fields.stored,
    statement: statement as unknown as Record<string, unknown>,
    pendingPlatformId: isPending ? fields.pendingPlatformId : null,
    pendingActorKey: isPending ? actorKey(statement.actor) : null,
    ...searchKeysOf(statement),
  };
}

export type NewStatementRow = ReturnType<typeof toRow>;

/** What inserting rows gives back. */
export interface InsertedRows {
  /** The database clock read under the writers' lock: the `stored` of rows that had none. */
  readonly clock: Date;
  /** The rows inserted (not those whose id was already stored), with their `seq`. */
  readonly inserted: { id: string; seq: number }[];
  /** Which of the rows' ids stored voiding statements already point to (xAPI Data 2.3.2). */
  readonly alreadyVoidedIds: string[];
}

/** The filter keys of the row named `target` (drizzle/0028), as its StatementRefs carry them. */
const keysOfTarget = sql.raw(`statement_target_keys(target.verb_id, target.activity_id,
  target.registration, target.agent_keys, target.related_agent_keys,
  target.related_activity_ids)`);

/** The query of insertRows, built once (it runs for every write). */
const insertStatementsQuery = buildQuery(
  sql`
    with clock as materialized (${writersClock}),
    stamp as materialized (
      select now, to_char(now at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as iso
        from clock),
    input as materialized (
      select row.*, element.position
        from jsonb_array_elements(${sql.placeholder('rows')}::jsonb)
          with ordinality as element(value, position)
        cross join lateral jsonb_populate_record(null::${statementsTable}, element.value) as row),
    inserted as (
      insert into ${statementsTable} (id, user_id, verb_id, activity_id, registration,
        score_scaled, success, completion, source, credential_key, stored, statement,
        pending_platform_id, pending_actor_key, agent_keys, actor_agent_key,
        has_other_agent_keys, related_agent_keys, related_activity_ids, object_statement_id,
        target_keys)
      select input.id, input.user_id, input.verb_id, input.activity_id, input.registration,
        input.score_scaled, input.success, input.completion, input.source, input.credential_key,
        coalesce(input.stored, stamp.now),
        case when input.stored is not null then input.statement
          else input.statement || jsonb_build_object('stored', stamp.iso)
            || case when input.statement ? 'timestamp' then '{}'::jsonb
                 else jsonb_build_object('timestamp', stamp.iso) end
        end,
        input.pending_platform_id, input.pending_actor_key, input.agent_keys,
        input.actor_agent_key, input.has_other_agent_keys, input.related_agent_keys, input.related_activity_ids, input.object_statement_id,
        case when input.object_statement_id is not null then coalesce(
          (select ${keysOfTarget} from ${statementsTable} as target
            where target.id = input.object_statement_id),
          (select ${keysOfTarget} from input as target
            where target.id = input.object_statement_id limit 1),
          '{}') end
        from input cross join stamp
       order by input.position
      on conflict (id) do nothing
      returning id, seq),
    resolved_refs as (
      update ${statementsTable} as referring
         set target_keys = ${keysOfTarget}
        from input as target
       where referring.object_statement_id = target.id and referring.target_keys = '{}')
    select (select now from stamp) as clock,
      (select coalesce(json_agg(json_build_array(id, seq)), '[]') from inserted) as inserted,
      voided_statement_ids(array(select id::text from input)) as already_voided`,
);

/**
 * Inserts the rows in their order, skipping ids already stored, holding the writers' lock
 * (writers-lock.ts). A row without `stored` gets the clock read under the lock, in its column
 * and its statement, whose `timestamp` it also becomes when the client sent none (xAPI Data
 * 2.4.7). A StatementRef gets the filter keys of the statement it points to (`target_keys`,
 * see schema.ts), stored before or in the same rows, none when that one is not stored yet; and
 * StatementRefs stored earlier without keys get those of a row inserted now that they point
 * to. (A StatementRef and its target stored at the same time by two transactions that do not
 * see each other's rows keep none: the query joins the target for those.) The voiding
 * statements already stored for the rows are looked up once the lock is held, with a snapshot of
 * their own (drizzle/0032), so that one stored by a transaction holding the lock alone
 * (holdOffOtherWriters) while this query waited for it is seen. One round trip: the lock, the
 * clock, the INSERT and the lookup of voiding statements are one query. The rows go
 * as one JSON parameter: building a multi-row INSERT value by value costs more CPU than
 * everything else the LRS does with a statement.
 */
export async function insertRows(
  tx: Executor,
  rows: readonly NewStatementRow[],
): Promise<InsertedRows> {
  const result = await executeBuilt(
    tx,
    insertStatementsQuery,
    { rows: JSON.stringify(rows.map(toRecord)) },
    { name: 'microcred_insert_statements' },
  );
  const [row] = rowsOf(result);
  return {
    clock: new Date(row!.clock as string | Date),
    inserted: (row!.inserted as [string, number | string][]).map(([id, seq]) => ({
      id,
      seq: Number(seq),
    })),
    alreadyVoidedIds: ((row!.already_voided as string[] | null) ?? []).map(String),
  };
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
    actor_agent_key: row.actorAgentKey,
    has_other_agent_keys: row.hasOtherAgentKeys,
    related_agent_keys: row.relatedAgentKeys,
    related_activity_ids: row.relatedActivityIds,
    object_statement_id: row.objectStatementId,
  };
}
