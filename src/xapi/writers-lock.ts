/**
 * The lock every statement-storing transaction holds, and what readers learn from it: the
 * instant through which stored statements are final.
 */
import { sql } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { statements as statementsTable } from '../db/schema.js';
import { VOIDED_VERB_ID } from './statement.js';
import { rowsOf } from './statement-rows.js';

/**
 * Every transaction that stores statements holds this advisory lock (shared: writers never wait
 * for each other) from before it reads the clock for `stored` until it ends. Readers look for
 * holders to learn the earliest `stored` still to come; see `readConsistentThrough`.
 */
const WRITERS_LOCK_KEY = 4_242_101;

/**
 * Takes the writers' lock and reads the clock for `stored`, and, in the same round trip, which
 * of `ids` stored voiding statements already point to (xAPI Data 2.3.2).
 */
export async function holdWritersLock(
  tx: Executor,
  ids: readonly string[],
): Promise<{ clock: Date; voidedIds: string[] }> {
  const voidingTarget = sql`${statementsTable.statement} -> 'object' ->> 'id'`;
  const result = await tx.execute(sql`
    select pg_advisory_xact_lock_shared(${WRITERS_LOCK_KEY}::bigint),
      date_trunc('milliseconds', clock_timestamp()) as now,
      array(select ${voidingTarget} from ${statementsTable}
             where ${statementsTable.verbId} = ${VOIDED_VERB_ID}
               and ${voidingTarget} = any(array(select jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb)))
           ) as voided`);
  const row = rowsOf(result)[0] ?? {};
  return {
    clock: new Date(row.now as string | Date),
    voidedIds: ((row.voided as string[] | null) ?? []).map(String),
  };
}

/**
 * The instant through which stored statements are final (xAPI Communication 2.1.3,
 * X-Experience-API-Consistent-Through): every statement stored before it is visible now, and
 * none stored before it can still appear. It is the start of the oldest transaction still
 * storing statements (their `stored` comes later), or the database clock when none is.
 */
export async function readConsistentThrough(db: Executor): Promise<Date> {
  const result = await db.execute(sql`
    select date_trunc('milliseconds', coalesce(
      (select min(activity.xact_start)
         from pg_locks as lock
         join pg_stat_activity as activity on activity.pid = lock.pid
        where lock.locktype = 'advisory' and lock.granted
          and lock.database = (select oid from pg_database where datname = current_database())
          and lock.classid = 0 and lock.objid = ${WRITERS_LOCK_KEY} and lock.objsubid = 1),
      clock_timestamp())) as through`);
  return new Date(rowsOf(result)[0]?.through as string | Date);
}
