import { and, asc, eq, inArray, lte, sql } from 'drizzle-orm';
import type { Logger } from '../config/logger.js';
import type { Db } from '../db/database.js';
import { outbox } from '../db/schema.js';
import { STANDARD_RETRY } from './job-kind.js';
import {
  JobDeferredError,
  JobPayloadInvalidError,
  type JobRegistry,
  type StoredJob,
} from './job-registry.js';

/**
 * While a worker runs a job, other workers leave it alone for this long; the worker renews the
 * lease every third of it, so a job held by a process that died is taken over within seconds.
 */
export const LEASE_SECONDS = 10;
const LEASE_RENEWAL_MS = (LEASE_SECONDS * 1000) / 3;
/** Jobs a worker claims at once: fewer claim round trips when the queue is long. */
const CLAIM_BATCH = 4;

export interface JobWorker {
  /** Runs due jobs now instead of waiting for the next poll. */
  kick(): void;
  /** Runs due jobs until none is left; resolves when done (for tests and the CLI). */
  drain(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Polls the queue and runs due jobs with the handler of their kind. Jobs are claimed with
 * `for update skip locked` and a lease, so several app nodes can run workers side by side.
 * A job whose handler throws is retried as its kind's retry policy says; a job whose stored
 * payload fails its kind's schema fails at once, logged; a job deferred (JobDeferredError) runs
 * again later without using up an attempt; a crash mid-job delays it by the lease at most.
 */
export function startJobWorker(options: {
  db: Db;
  logger: Logger;
  registry: JobRegistry;
  pollIntervalMs: number;
  /** How many jobs run at once at most (each claims its own with skip locked); 4 by default. */
  concurrency?: number;
  /** Told how each job run ended (for the metrics). */
  onJobRun?: (kind: string, outcome: JobRunOutcome) => void;
}): JobWorker {
  const { db, logger, registry } = options;
  const onJobRun = options.onJobRun ?? (() => {});
  const concurrency = options.concurrency ?? 4;
  let running: Promise<void> | null = null;
  let rerun = false;
  let stopped = false;

  /**
   * One worker claims first; a worker that finds a full batch waiting starts another, up to
   * `concurrency`. An idle queue costs one claim per kick, not one per worker.
   */
  const runWorkers = async () => {
    const workers: Promise<void>[] = [];
    const startWorker = () => {
      if (workers.length >= concurrency) return;
      workers.push(
        runDueJobs(startWorker).catch((error: unknown) =>
          logger.error('jobs', 'job queue poll failed', { error }),
        ),
      );
    };
    startWorker();
    for (let settled = 0; settled < workers.length; settled += 1) await workers[settled];
  };

  const runDueJobs = async (onBacklog: () => void) => {
    for (;;) {
      const jobs = await claimDueJobs(db, CLAIM_BATCH);
      if (jobs.length === 0) return;
      if (jobs.length === CLAIM_BATCH) onBacklog();
      for (const job of jobs) onJobRun(job.kind, await runJob(db, logger, registry, job));
    }
  };

  const kick = () => {
    if (stopped) return;
    if (running) {
      rerun = true;
      return;
    }
    running = (async () => {
      do {
        rerun = false;
        await runWorkers();
      } while (rerun && !stopped);
    })().finally(() => {
      running = null;
    });
  };

  const timer = setInterval(kick, options.pollIntervalMs);
  timer.unref();
  kick();

  return {
    kick,
    async drain() {
      do {
        kick();
        await running;
      } while (await hasDueJob(db));
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}

/**
 * Claims up to `limit` due jobs, oldest first, leasing them: one statement, so one round trip
 * (the job queue is on the path of every award).
 */
async function claimDueJobs(db: Db, limit: number): Promise<StoredJob[]> {
  const due = db
    .select({ id: outbox.id })
    .from(outbox)
    .where(and(eq(outbox.status, 'pending'), lte(outbox.nextAttemptAt, new Date())))
    .orderBy(asc(outbox.nextAttemptAt), asc(outbox.id))
    .limit(limit)
    .for('update', { skipLocked: true });
  const jobs = await db
    .update(outbox)
    .set({
      attempts: sql`${outbox.attempts} + 1`,
      nextAttemptAt: new Date(Date.now() + LEASE_SECONDS * 1000),
    })
    .where(inArray(outbox.id, due))
    .returning();
  return jobs.sort((a, b) => a.id - b.id);
}

/** How a job run ended: done, to be tried again, given up, or put off without using a try. */
export type JobRunOutcome = 'succeeded' | 'retrying' | 'failed' | 'deferred';

async function runJob(
  db: Db,
  logger: Logger,
  registry: JobRegistry,
  job: StoredJob,
): Promise<JobRunOutcome> {
  const handler = registry.handlerOf(job.kind);
  const retry = handler?.retry ?? STANDARD_RETRY;
  const stopRenewing = renewLeaseWhileRunning(db, logger, job);
  try {
    if (!handler) throw new Error(`No handler for jobs of kind "${job.kind}"`);
    await handler.prepare(job)();
    stopRenewing();
    await db
      .update(outbox)
      .set({ status: 'done', finishedAt: new Date(), lastError: null })
      .where(eq(outbox.id, job.id));
    return 'succeeded';
  } catch (error) {
    stopRenewing();
    if (error instanceof JobDeferredError) {
      logger.debug('jobs', 'job deferred', {
        jobId: job.id,
        kind: job.kind,
        reason: error.message,
      });
      await db
        .update(outbox)
        .set({
          attempts: sql`${outbox.attempts} - 1`,
          nextAttemptAt: new Date(Date.now() + error.retryAfterSeconds * 1000),
        })
        .where(eq(outbox.id, job.id));
      return 'deferred';
    }
    const message = error instanceof Error ? error.message : String(error);
    const isInvalid = error instanceof JobPayloadInvalidError;
    const isFinal = isInvalid || job.attempts >= retry.maxAttempts;
    const fields = { jobId: job.id, kind: job.kind, attempt: job.attempts, error: message };
    if (isInvalid) logger.error('jobs', 'job failed: its stored payload is invalid', fields);
    else logger.warn('jobs', isFinal ? 'job failed for good' : 'job failed, will retry', fields);
    await db
      .update(outbox)
      .set(
        isFinal
          ? { status: 'failed', finishedAt: new Date(), lastError: message }
          : {
              lastError: message,
              nextAttemptAt: new Date(Date.now() + retry.delaySeconds(job.attempts) * 1000),
            },
      )
      .where(eq(outbox.id, job.id));
    return isFinal ? 'failed' : 'retrying';
  }
}

/** Keeps the job leased while it runs; returns the function that stops renewing. */
function renewLeaseWhileRunning(db: Db, logger: Logger, job: StoredJob): () => void {
  const timer = setInterval(() => {
    db.update(outbox)
      .set({ nextAttemptAt: new Date(Date.now() + LEASE_SECONDS * 1000) })
      .where(and(eq(outbox.id, job.id), eq(outbox.status, 'pending')))
      .catch((error: unknown) =>
        logger.warn('jobs', 'could not renew a job lease', { jobId: job.id, error }),
      );
  }, LEASE_RENEWAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}

async function hasDueJob(db: Db): Promise<boolean> {
  const [row] = await db
    .select({ id: outbox.id })
    .from(outbox)
    .where(and(eq(outbox.status, 'pending'), lte(outbox.nextAttemptAt, new Date())))
    .limit(1);
  return row !== undefined;
}
