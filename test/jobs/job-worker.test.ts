import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createLogger, type LogFields } from '../../src/config/logger.js';
import type { Database } from '../../src/db/database.js';
import { outbox } from '../../src/db/schema.js';
import { enqueueJob } from '../../src/jobs/enqueue-job.js';
import { defineJobKind, STANDARD_RETRY } from '../../src/jobs/job-kind.js';
import {
  createJobRegistry,
  handleJob,
  JobDeferredError,
  type JobHandler,
} from '../../src/jobs/job-registry.js';
import { LEASE_SECONDS, startJobWorker } from '../../src/jobs/job-worker.js';
import { createTestDatabase } from '../support/test-database.js';

const quiet = createLogger('error', () => {});
/** Long enough that no poll happens during a test: only kicks and drains run jobs. */
const NO_POLL_MS = 60_000;

const indexed = (name: string) =>
  defineJobKind({ name, payload: z.object({ index: z.int().nonnegative() }) });

describe('startJobWorker', () => {
  let database: Database;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.close();
  });

  async function enqueueJobs(kind: ReturnType<typeof indexed>, count: number) {
    for (let index = 0; index < count; index += 1) {
      await enqueueJob(database.db, kind, { index }, String(index));
    }
  }

  async function drainWith(handlers: JobHandler[], options: { concurrency?: number } = {}) {
    const worker = startJobWorker({
      db: database.db,
      logger: quiet,
      pollIntervalMs: NO_POLL_MS,
      registry: createJobRegistry(handlers),
      ...options,
    });
    await worker.drain();
    await worker.stop();
  }

  const rowsOf = (kind: { name: string }) =>
    database.db.select().from(outbox).where(eq(outbox.kind, kind.name)).orderBy(outbox.id);

  it('runs each due job with the handler of its kind, with its parsed payload, and marks it done', async () => {
    const greet = indexed('greet');
    await enqueueJobs(greet, 3);
    const seen: number[] = [];

    await drainWith([handleJob(greet, async ({ index }) => void seen.push(index))]);

    expect(seen.sort()).toEqual([0, 1, 2]);
    expect((await rowsOf(greet)).map((row) => row.status)).toEqual(['done', 'done', 'done']);
  });

  it('keeps a failed job for a retry after its kind’s backoff, with the error', async () => {
    const flaky = indexed('flaky');
    await enqueueJobs(flaky, 1);
    const before = Date.now();

    await drainWith([
      handleJob(flaky, async () => {
        throw new Error('LMS answered 503');
      }),
    ]);

    const [row] = await rowsOf(flaky);
    expect(row).toMatchObject({ status: 'pending', attempts: 1, lastError: 'LMS answered 503' });
    expect(row!.nextAttemptAt.getTime()).toBeGreaterThanOrEqual(
      before + STANDARD_RETRY.delaySeconds(1) * 1000 - 1000,
    );
  });

  it('gives a job up once its kind’s retry policy has no attempts left', async () => {
    const once = defineJobKind({
      name: 'once',
      payload: z.object({ index: z.int() }),
      retry: { maxAttempts: 1, delaySeconds: () => 0 },
    });
    await enqueueJob(database.db, once, { index: 0 }, '0');

    await drainWith([
      handleJob(once, async () => {
        throw new Error('refused');
      }),
    ]);

    expect(await rowsOf(once)).toMatchObject([{ status: 'failed', lastError: 'refused' }]);
  });

  it('works a backlog with as many jobs at once as its concurrency allows, no more', async () => {
    const slow = indexed('slow');
    await enqueueJobs(slow, 16);
    let inFlight = 0;
    let mostInFlight = 0;

    await drainWith(
      [
        handleJob(slow, async () => {
          inFlight += 1;
          mostInFlight = Math.max(mostInFlight, inFlight);
          await new Promise((resolve) => setTimeout(resolve, 50));
          inFlight -= 1;
        }),
      ],
      { concurrency: 4 },
    );

    expect(mostInFlight).toBe(4);
    expect((await rowsOf(slow)).every((row) => row.status === 'done')).toBe(true);
  });

  it('runs a deferred job again later without using up an attempt or logging a failure', async () => {
    const waiting = indexed('waiting');
    await enqueueJobs(waiting, 1);
    const warnings: string[] = [];
    const before = Date.now();
    const worker = startJobWorker({
      db: database.db,
      logger: createLogger('warn', (line) => warnings.push(line)),
      pollIntervalMs: NO_POLL_MS,
      registry: createJobRegistry([
        handleJob(waiting, async () => {
          throw new JobDeferredError('another worker holds it', 5);
        }),
      ]),
    });
    await worker.drain();
    await worker.stop();

    const [row] = await rowsOf(waiting);
    expect(row).toMatchObject({ status: 'pending', attempts: 0, lastError: null });
    expect(row!.nextAttemptAt.getTime()).toBeGreaterThanOrEqual(before + 4_000);
    expect(warnings).toEqual([]);
  });

  it('keeps renewing the lease of a job that runs longer than the lease, so no other worker takes it', async () => {
    const long = indexed('long');
    await enqueueJobs(long, 1);
    let runs = 0;
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const first = startJobWorker({
      db: database.db,
      logger: quiet,
      pollIntervalMs: NO_POLL_MS,
      registry: createJobRegistry([
        handleJob(long, async () => {
          runs += 1;
          await released;
        }),
      ]),
    });
    first.kick();
    await new Promise((resolve) => setTimeout(resolve, (LEASE_SECONDS + 2) * 1000));

    const second = startJobWorker({
      db: database.db,
      logger: quiet,
      pollIntervalMs: NO_POLL_MS,
      registry: createJobRegistry([handleJob(long, async () => void (runs += 1))]),
    });
    await second.drain();
    await second.stop();
    expect(runs).toBe(1);

    release();
    await first.drain();
    await first.stop();
    expect(await rowsOf(long)).toMatchObject([{ status: 'done', attempts: 1 }]);
  }, 60_000);

  it('takes over a job whose worker died, once its lease has run out', async () => {
    const orphan = indexed('orphan');
    await enqueueJobs(orphan, 1);
    // What a worker that claimed the job and then died leaves behind.
    await database.db
      .update(outbox)
      .set({ attempts: 1, nextAttemptAt: new Date(Date.now() + LEASE_SECONDS * 1000) })
      .where(eq(outbox.kind, orphan.name));
    const ranAt: number[] = [];
    const diedAt = Date.now();
    const worker = startJobWorker({
      db: database.db,
      logger: quiet,
      pollIntervalMs: 250,
      registry: createJobRegistry([handleJob(orphan, async () => void ranAt.push(Date.now()))]),
    });
    await expect.poll(() => ranAt.length, { timeout: (LEASE_SECONDS + 5) * 1000 }).toBe(1);
    await worker.stop();

    expect(ranAt[0]! - diedAt).toBeGreaterThanOrEqual(LEASE_SECONDS * 1000 - 1000);
    expect(ranAt[0]! - diedAt).toBeLessThan((LEASE_SECONDS + 3) * 1000);
  }, 60_000);

  it('fails a job whose stored payload its kind refuses, logged, without running it, and runs the others', async () => {
    const counted = indexed('counted');
    await enqueueJobs(counted, 1);
    await database.db
      .insert(outbox)
      .values({ kind: counted.name, dedupeKey: `${counted.name}:corrupt`, payload: { index: -1 } });
    await enqueueJob(database.db, counted, { index: 2 }, '2');
    const ran: number[] = [];
    const errors: LogFields[] = [];
    const worker = startJobWorker({
      db: database.db,
      logger: createLogger('error', (line) => errors.push(JSON.parse(line) as LogFields)),
      pollIntervalMs: NO_POLL_MS,
      registry: createJobRegistry([handleJob(counted, async ({ index }) => void ran.push(index))]),
    });
    await worker.drain();
    await worker.stop();

    expect(ran.sort()).toEqual([0, 2]);
    const rows = await rowsOf(counted);
    expect(rows.map((row) => [row.dedupeKey, row.status, row.attempts])).toEqual([
      ['counted:0', 'done', 1],
      ['counted:corrupt', 'failed', 1],
      ['counted:2', 'done', 1],
    ]);
    expect(rows[1]!.lastError).toMatch(/payload of this counted job is invalid[\s\S]*index/);
    expect(errors).toEqual([
      expect.objectContaining({ category: 'jobs', kind: 'counted', jobId: rows[1]!.id }),
    ]);
  });
});

describe('createJobRegistry', () => {
  it('refuses two handlers for one kind', () => {
    const twice = indexed('twice');
    const run = async () => {};
    expect(() => createJobRegistry([handleJob(twice, run), handleJob(twice, run)])).toThrow(
      TypeError,
    );
  });
});

describe('enqueueJob', () => {
  let database: Database;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.close();
  });

  const kind = defineJobKind({ name: 'typed', payload: z.object({ userId: z.guid() }) });

  it('refuses a payload its kind’s schema refuses with a TypeError, and queues nothing', async () => {
    await expect(enqueueJob(database.db, kind, { userId: 'not-a-uuid' }, 'bad')).rejects.toThrow(
      TypeError,
    );
    await expect(
      enqueueJob(database.db, kind, {} as { userId: string }, 'missing'),
    ).rejects.toThrow(/userId/);
    expect(await database.db.select().from(outbox).where(eq(outbox.kind, 'typed'))).toEqual([]);
  });

  it('queues a job under its kind’s name and key once, however often it is queued', async () => {
    const payload = { userId: randomUUID() };
    expect(await enqueueJob(database.db, kind, payload, 'once')).toBe(true);
    expect(await enqueueJob(database.db, kind, payload, 'once')).toBe(false);
    const rows = await database.db.select().from(outbox).where(eq(outbox.kind, 'typed'));
    expect(rows).toMatchObject([{ dedupeKey: 'typed:once', payload, status: 'pending' }]);
  });
});
