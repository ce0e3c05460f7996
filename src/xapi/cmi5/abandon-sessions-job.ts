/**
 * cmi5 section 9.3.6: a session whose AU never sent `terminated` is abandoned by the LMS. A
 * session is left open once its launch token expired (the AU can send nothing more); this job
 * abandons such sessions, and a schedule queues it once per interval slot (the slot is in the
 * dedupe key, so several app nodes queue one job between them).
 */
import { z } from 'zod';
import type { Logger } from '../../config/logger.js';
import type { Db } from '../../db/database.js';
import { enqueueJob } from '../../jobs/enqueue-job.js';
import { defineJobKind } from '../../jobs/job-kind.js';
import { handleJob, type JobHandler } from '../../jobs/job-registry.js';
import type { Cmi5Lms } from './cmi5-lms.js';

export const abandonSessionsJob = defineJobKind({
  name: 'cmi5-abandon-sessions',
  payload: z.object({}),
});

/** How often open sessions with expired tokens are looked for. */
export const ABANDON_INTERVAL_MS = 5 * 60_000;

export function abandonSessionsJobHandler({
  cmi5Lms,
  logger,
}: {
  cmi5Lms: Cmi5Lms;
  logger: Logger;
}): JobHandler {
  return handleJob(abandonSessionsJob, async () => {
    const abandoned = await cmi5Lms.abandonExpiredSessions();
    if (abandoned > 0) logger.info('xapi', 'cmi5 sessions abandoned', { abandoned });
  });
}

/** Queues the job of the current slot; resolves true when it was not queued yet. */
export function scheduleAbandonSessions(db: Db, now = new Date()): Promise<boolean> {
  const slot = Math.floor(now.getTime() / ABANDON_INTERVAL_MS);
  return enqueueJob(db, abandonSessionsJob, {}, String(slot));
}

export function startAbandonSchedule({
  db,
  logger,
  onScheduled,
  intervalMs = ABANDON_INTERVAL_MS,
}: {
  db: Db;
  logger: Logger;
  onScheduled: () => void;
  intervalMs?: number;
}): { stop(): Promise<void> } {
  let round: Promise<void> = Promise.resolve();
  const run = () => {
    round = scheduleAbandonSessions(db)
      .then((queued) => {
        if (queued) onScheduled();
      })
      .catch((error: unknown) =>
        logger.warn('xapi', 'scheduling the abandoning of cmi5 sessions failed', { error }),
      );
  };
  const timer = setInterval(run, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await round;
    },
  };
}
