/**
 * Putting jobs in the queue (the `outbox` table), and what their owners may ask about them.
 * Every row of the queue is written here and in job-worker.ts, and every payload has passed its
 * kind's schema on the way in.
 *
 * Contract
 * - A job is queued in the caller's transaction, so it commits or rolls back with the work that
 *   caused it. Its dedupe key is `<kind>:<key>`; queuing the same key again is a no-op, whatever
 *   the first job's status.
 * - An invalid payload is caller misuse: TypeError, and nothing is queued.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '../db/database.js';
import { outbox } from '../db/schema.js';
import type { JobKind, JobPayload } from './job-kind.js';

/** A job checked against its kind, ready to be queued with `enqueueJobs`. */
export interface QueuedJob {
  readonly kind: string;
  readonly dedupeKey: string;
  readonly payload: Record<string, unknown>;
}

export type JobStatus = (typeof outbox.$inferSelect)['status'];

/** Checks `payload` against the kind's schema; throws TypeError naming the bad field. */
export function jobOf<Payload extends JobPayload>(
  kind: JobKind<Payload>,
  payload: Payload,
  key: string,
): QueuedJob {
  const parsed = kind.payload.safeParse(payload);
  if (!parsed.success) {
    throw new TypeError(`Invalid payload for a ${kind.name} job: ${z.prettifyError(parsed.error)}`);
  }
  return {
    kind: kind.name,
    dedupeKey: dedupeKeyOf(kind.name, key),
    payload: parsed.data,
  };
}

/** Queues one job; resolves true when it is new (false when its key was queued before). */
export async function enqueueJob<Payload extends JobPayload>(
  tx: Executor,
  kind: JobKind<Payload>,
  payload: Payload,
  key: string,
): Promise<boolean> {
  return (await enqueueJobs(tx, [jobOf(kind, payload, key)])) > 0;
}

/** Queues jobs in one statement; resolves how many were new. */
export async function enqueueJobs(tx: Executor, jobs: readonly QueuedJob[]): Promise<number> {
  if (jobs.length === 0) return 0;
  const queued = await tx
    .insert(outbox)
    .values([...jobs])
    .onConflictDoNothing({ target: outbox.dedupeKey })
    .returning({ id: outbox.id });
  return queued.length;
}

/**
 * Queues the job again, with this payload and fresh attempts, when it has finished (done or
 * failed), or for the first time. Resolves false when it is still pending.
 */
export async function requeueJob<Payload extends JobPayload>(
  tx: Executor,
  kind: JobKind<Payload>,
  payload: Payload,
  key: string,
): Promise<boolean> {
  const requeued = await tx
    .insert(outbox)
    .values(jobOf(kind, payload, key))
    .onConflictDoUpdate({
      target: outbox.dedupeKey,
      set: {
        payload: sql`excluded.payload`,
        status: 'pending',
        attempts: 0,
        nextAttemptAt: sql`now()`,
        lastError: null,
        finishedAt: null,
      },
      setWhere: sql`${outbox.status} <> 'pending'`,
    })
    .returning({ id: outbox.id });
  return requeued.length > 0;
}

/** The status of the kind's jobs queued under these keys; keys never queued are left out. */
export async function jobStatuses<Payload extends JobPayload>(
  db: Executor,
  kind: JobKind<Payload>,
  keys: readonly string[],
): Promise<Map<string, JobStatus>> {
  if (keys.length === 0) return new Map();
  const prefix = dedupeKeyOf(kind.name, '');
  const rows = await db
    .select({ dedupeKey: outbox.dedupeKey, status: outbox.status })
    .from(outbox)
    .where(
      inArray(
        outbox.dedupeKey,
        keys.map((key) => dedupeKeyOf(kind.name, key)),
      ),
    );
  return new Map(rows.map((row) => [row.dedupeKey.slice(prefix.length), row.status]));
}

/** The payloads of the kind's jobs still pending (waiting, or being run). */
export async function pendingJobPayloads<Payload extends JobPayload>(
  db: Executor,
  kind: JobKind<Payload>,
): Promise<Payload[]> {
  const rows = await db
    .select({ payload: outbox.payload })
    .from(outbox)
    .where(and(eq(outbox.kind, kind.name), eq(outbox.status, 'pending')));
  return rows.flatMap((row) => {
    const parsed = kind.payload.safeParse(row.payload);
    return parsed.success ? [parsed.data] : [];
  });
}

function dedupeKeyOf(kindName: string, key: string): string {
  return `${kindName}:${key}`;
}
