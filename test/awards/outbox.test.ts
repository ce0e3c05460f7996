import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueue, retryDelaySeconds, startOutboxWorker } from '../../src/awards/outbox.js';
import { createLogger } from '../../src/config/logger.js';
import type { Database } from '../../src/db/database.js';
import { outbox } from '../../src/db/schema.js';
import { createTestDatabase } from '../support/test-database.js';

const quiet = createLogger('error', () => {});
/** Long enough that no poll happens during a test: only kicks and drains run jobs. */
const NO_POLL_MS = 60_000;

describe('startOutboxWorker', () => {
  let database: Database;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.close();
  });

  async function enqueueJobs(kind: string, count: number) {
    for (let index = 0; index < count; index += 1) {
      await enqueue(database.db, { kind, dedupeKey: `${kind}:${index}`, payload: { index } });
    }
  }

  it('runs each due job with the handler of its kind and marks it done', async () => {
    await enqueueJobs('greet', 3);
    const seen: unknown[] = [];
    const worker = startOutboxWorker({
      db: database.db,
      logger: quiet,
      pollIntervalMs: NO_POLL_MS,
      handlers: { greet: async (job) => void seen.push(job.payload.index) },
    });

    await worker.drain();
    await worker.stop();

    expect(seen.sort()).toEqual([0, 1, 2]);
    const rows = await database.db.select().from(outbox).where(eq(outbox.kind, 'greet'));
    expect(rows.map((row) => row.status)).toEqual(['done', 'done', 'done']);
  });

  it('keeps a failed job for a retry after a backoff, with the error', async () => {
    await enqueueJobs('flaky', 1);
    const worker = startOutboxWorker({
      db: database.db,
      logger: quiet,
      pollIntervalMs: NO_POLL_MS,
      handlers: {
        flaky: async () => {
          throw new Error('LMS answered 503');
        },
      },
    });

    const before = Date.now();
    await worker.drain();
    await worker.stop();

    const [row] = await database.db.select().from(outbox).where(eq(outbox.kind, 'flaky'));
    expect(row).toMatchObject({ status: 'pending', attempts: 1, lastError: 'LMS answered 503' });
    expect(row!.nextAttemptAt.getTime()).toBeGreaterThanOrEqual(
      before + retryDelaySeconds(1) * 1000 - 1000,
    );
  });

  it('works a backlog with as many jobs at once as its concurrency allows, no more', async () => {
    await enqueueJobs('slow', 16);
    let inFlight = 0;
    let mostInFlight = 0;
    const worker = startOutboxWorker({
      db: database.db,
      logger: quiet,
      pollIntervalMs: NO_POLL_MS,
      concurrency: 4,
      handlers: {
        slow: async () => {
          inFlight += 1;
          mostInFlight = Math.max(mostInFlight, inFlight);
          await new Promise((resolve) => setTimeout(resolve, 50));
          inFlight -= 1;
        },
      },
    });

    await worker.drain();
    await worker.stop();

    expect(mostInFlight).toBe(4);
    const rows = await database.db.select().from(outbox).where(eq(outbox.kind, 'slow'));
    expect(rows.every((row) => row.status === 'done')).toBe(true);
  });
});
