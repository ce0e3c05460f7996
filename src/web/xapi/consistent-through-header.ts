/** X-Experience-API-Consistent-Through on the Statement Resource's answers. */
import type { RequestHandler, Response } from 'express';
import type { Executor } from '../../db/database.js';
import { readConsistentThrough } from '../../xapi/writers-lock.js';

export const CONSISTENT_THROUGH_HEADER = 'X-Experience-API-Consistent-Through';
const CONSISTENT_THROUGH_REUSE_MS = 100;

/**
 * xAPI Communication 2.1.3: every Statement Resource response, a refusal included, says up to
 * when stored statements are final (see readConsistentThrough). For writes the read runs
 * alongside the request and the header is set just before the answer goes out.
 */
export function setConsistentThrough(db: Executor): RequestHandler {
  const consistentThrough = sharedReading(
    () => readConsistentThrough(db),
    CONSISTENT_THROUGH_REUSE_MS,
  );
  return async (req, res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD') {
      res.set(CONSISTENT_THROUGH_HEADER, (await consistentThrough()).toISOString());
      next();
      return;
    }
    const through = consistentThrough().then(
      (instant) => instant.toISOString(),
      () => undefined,
    );
    let isHeld = true;
    // Hold the answer until the read is done, so the header is there whatever the outcome.
    const end = res.end.bind(res) as (...args: unknown[]) => Response;
    res.end = ((...args: unknown[]) => {
      if (!isHeld) return end(...args);
      void through.then((value) => {
        isHeld = false;
        if (value !== undefined && !res.headersSent) res.set(CONSISTENT_THROUGH_HEADER, value);
        end(...args);
      });
      return res;
    }) as typeof res.end;
    next();
  };
}

/**
 * One reading shared by the requests that ask while it runs, and reused for `reuseMs` after:
 * an earlier consistent-through instant stays true (everything stored before it is still
 * final), and the reading scans pg_locks, which every statement request would otherwise do.
 */
function sharedReading(read: () => Promise<Date>, reuseMs: number): () => Promise<Date> {
  let reading: Promise<Date> | null = null;
  let readAt = 0;
  return () => {
    if (reading && Date.now() - readAt < reuseMs) return reading;
    readAt = Date.now();
    reading = read();
    reading.catch(() => {
      reading = null;
    });
    return reading;
  };
}
