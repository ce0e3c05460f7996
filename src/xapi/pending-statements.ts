/**
 * Statements waiting for their learner: an LMS sent them about an actor the tool cannot resolve
 * yet (the learner has not launched, or the platform names users in a way not yet known). The
 * store keeps them with `pending_platform_id` and `pending_actor_key` (actor-keys.ts) instead of
 * a user; nothing is dropped.
 *
 * Contract
 * - `claimPendingStatements(tx, userIds)` gives each of these users the pending statements of
 *   their platform whose actor names them (actorKeysOf: the account the platform's settings say
 *   its emitter sends; the mbox and mbox_sha1sum of an email no other user of the platform
 *   has), in the caller's transaction, and returns them as stored statements in insertion
 *   order, for the caller to evaluate. Each statement is claimed once: a concurrent claim waits
 *   on the row and then finds it no longer pending. Costs two queries, and one update on an
 *   index of pending statements only.
 * - A statement stored while its learner is being made known (their first launch) is claimed
 *   too: a transaction storing an LMS's statements holds its platform's pending lock (shared,
 *   `awaitClaimsOf`) from before it resolves their actors, and a claim takes the lock of the
 *   users' platforms alone before it looks for their statements, so the claim waits for such a
 *   transaction to commit, and one starting after finds the learner known.
 * - `pendingActorKeysAmong(executor, platformId, keys)`: which of these keys have pending
 *   statements on the platform.
 * - `countPendingStatements(executor)`: per platform id, how many statements wait.
 */
import { and, count, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { buildQuery, executeBuilt } from '../db/named-query.js';
import { platforms, statements, users } from '../db/schema.js';
import { actorKeysOf } from './actor-keys.js';
import type { LrsStatement } from './statement.js';
import type { StoredStatement } from './statement-store.js';

/** Lock space of the platforms' pending statements (see the contract at the top of this file). */
const PENDING_LOCK = 4_242_104;

/**
 * Makes a transaction about to store statements for these platforms' learners wait for their
 * claims under way, and claims that start meanwhile wait for it; call it first in the transaction.
 */
export function awaitClaimsOf(tx: Executor, platformIds: readonly string[]): Promise<void> {
  return lockPendingOf(tx, platformIds, 'shared');
}

/** Takes the pending lock of each platform, in one order so that no two takers deadlock. */
async function lockPendingOf(
  tx: Executor,
  platformIds: readonly string[],
  mode: 'shared' | 'alone',
): Promise<void> {
  for (const platformId of [...new Set(platformIds)].sort()) {
    await executeBuilt(
      tx,
      pendingLockQueries[mode],
      { platformId },
      { name: `microcred_pending_lock_${mode}` },
    );
  }
}

/** The lock queries, built once and prepared: a transaction storing an LMS's statements runs one. */
const pendingLockQueries = {
  shared: pendingLockQuery('pg_advisory_xact_lock_shared'),
  alone: pendingLockQuery('pg_advisory_xact_lock'),
};

function pendingLockQuery(lockFunction: string) {
  return buildQuery(
    sql`select ${sql.raw(lockFunction)}(${PENDING_LOCK}, hashtext(${sql.placeholder('platformId')}))`,
  );
}

export async function claimPendingStatements(
  tx: Executor,
  userIds: readonly string[],
): Promise<StoredStatement[]> {
  if (userIds.length === 0) return [];
  const known = await tx
    .select({
      userId: users.id,
      platformId: users.platformId,
      sub: users.sub,
      username: users.username,
      email: users.email,
      mboxSha1sum: users.mboxSha1sum,
      issuer: platforms.issuer,
      xapiAccountName: platforms.xapiAccountName,
      xapiAccountHomePage: platforms.xapiAccountHomePage,
      // Whether another user of the platform has the same email.
      isEmailShared: sql<boolean>`exists (select 1 from ${users} as other
        where other.platform_id = ${users.platformId} and other.id <> ${users.id}
          and lower(other.email) = lower(${users.email}))`,
    })
    .from(users)
    .innerJoin(platforms, eq(platforms.id, users.platformId))
    .where(inArray(users.id, [...userIds]));
  await lockPendingOf(
    tx,
    known.map((user) => user.platformId),
    'alone',
  );
  const claims = known.flatMap((user) =>
    actorKeysOf(user, user, !user.isEmailShared).map((key) => ({ ...user, key })),
  );
  if (claims.length === 0) return [];
  const isClaimed = (claim: (typeof claims)[number]) =>
    sql`(${statements.pendingPlatformId} = ${claim.platformId}::uuid
      and ${statements.pendingActorKey} = ${claim.key})`;
  const claimed = await tx
    .update(statements)
    .set({
      userId: sql`(case ${sql.join(
        claims.map((claim) => sql`when ${isClaimed(claim)} then ${claim.userId}::uuid`),
        sql` `,
      )} end)`,
      pendingPlatformId: null,
      pendingActorKey: null,
    })
    .where(
      sql`${isNotNull(statements.pendingPlatformId)} and (${sql.join(claims.map(isClaimed), sql` or `)})`,
    )
    .returning();
  return claimed
    .sort((a, b) => a.seq - b.seq)
    .map((row): StoredStatement => ({
      id: row.id,
      seq: row.seq,
      userId: row.userId,
      verbId: row.verbId,
      activityId: row.activityId,
      registration: row.registration,
      scoreScaled: row.scoreScaled,
      success: row.success,
      completion: row.completion,
      source: row.source,
      credentialKey: row.credentialKey,
      isVoided: row.isVoided,
      stored: row.stored,
      statement: row.statement as unknown as LrsStatement,
    }));
}

export async function pendingActorKeysAmong(
  executor: Executor,
  platformId: string,
  keys: readonly string[],
): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const rows = await executor
    .selectDistinct({ key: statements.pendingActorKey })
    .from(statements)
    .where(
      and(
        eq(statements.pendingPlatformId, platformId),
        inArray(statements.pendingActorKey, [...keys]),
      ),
    );
  return new Set(rows.flatMap((row) => (row.key ? [row.key] : [])));
}

export async function countPendingStatements(executor: Executor): Promise<Map<string, number>> {
  const rows = await executor
    .select({ platformId: statements.pendingPlatformId, count: count() })
    .from(statements)
    .where(isNotNull(statements.pendingPlatformId))
    .groupBy(statements.pendingPlatformId);
  return new Map(rows.flatMap((row) => (row.platformId ? [[row.platformId, row.count]] : [])));
}
