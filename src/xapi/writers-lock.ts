/**
 * The lock every statement-storing transaction holds, and what readers learn from it: the
 * instant through which stored statements are final.
 */
import { sql } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { buildQuery, executeBuilt } from '../db/named-query.js';
import { rowsOf } from '../db/raw-rows.js';

/**
 * Every transaction that stores statements holds this advisory lock (shared: writers never wait
 * for each other) from before it reads the clock for `stored` until it ends. Readers look for
 * holders to learn the earliest `stored` still to come; see `readConsistentThrough`.
 */
const WRITERS_LOCK_KEY = 4_242_101;

/**
 * SQL giving the `stored` clock of a statement-storing transaction (one row, column `now`): it
 * takes the writers' lock, then reads the database clock to the millisecond. The lock is taken
 * in a subquery the planner cannot fold away (`offset 0`), so it is held before the clock is
 * read. Use it once per transaction, as a materialized CTE.
 */
export const writersClock = sql`select date_trunc('milliseconds', clock_timestamp()) as now
  from (select pg_advisory_xact_lock_shared(${WRITERS_LOCK_KEY}::bigint) offset 0) as writers_lock`;

/**
 * Takes the writers' lock alone until the transaction ends: waits for every transaction storing
 * statements to end, and holds off those that start meanwhile. A transaction storing a voiding
 * statement (xAPI Data 2.3.2) takes it first, so that it sees every statement it may void (one
 * stored at the same moment by another transaction would otherwise stay unvoided, the voiding
 * and the target each unseen by the other), and every statement stored after it sees it
 * (statement-rows.ts looks voiding statements up once it holds the lock). Voiding is rare:
 * other writers wait for one transaction now and then.
 */
export async function holdOffOtherWriters(tx: Executor): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${WRITERS_LOCK_KEY}::bigint)`);
}

/**
 * The instant through which stored statements are final (xAPI Communication 2.1.3,
 * X-Experience-API-Consistent-Through): every statement stored before it is visible now, and
 * none stored before it can still appear. It is the start of the oldest transaction still
 * storing statements (their `stored` comes later), or the database clock when none is.
 */
export async function readConsistentThrough(db: Executor): Promise<Date> {
  // Named: planning the join of pg_locks and pg_stat_activity cost more than running it.
  const result = await executeBuilt(
    db,
    consistentThroughQuery,
    {},
    {
      name: 'microcred_consistent_through',
    },
  );
  const [row] = rowsOf<{ through: string | Date }>(result);
  return new Date(row!.through);
}

const consistentThroughQuery = buildQuery(sql`
  select date_trunc('milliseconds', coalesce(
    (select min(activity.xact_start)
       from pg_locks as lock
       join pg_stat_activity as activity on activity.pid = lock.pid
      where lock.locktype = 'advisory' and lock.granted
        and lock.database = (select oid from pg_database where datname = current_database())
        and lock.classid = 0 and lock.objid = ${WRITERS_LOCK_KEY} and lock.objsubid = 1),
    clock_timestamp())) as through`);
