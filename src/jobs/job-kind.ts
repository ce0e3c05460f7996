import type { z } from 'zod';

/** How often a kind of job is tried, and how long the queue waits between tries. */
export interface RetryPolicy {
  /** A job is given up (status `failed`, kept for people to see and resend) after this many tries. */
  readonly maxAttempts: number;
  /** Delay before retry number `attempt` (1-based), in seconds. */
  delaySeconds(attempt: number): number;
}

/** 12 tries, 2 s, 4 s, 8 s … apart, at most one hour: a day of outage is ridden out. */
export const STANDARD_RETRY: RetryPolicy = {
  maxAttempts: 12,
  delaySeconds: (attempt) => Math.min(2 ** attempt, 3600),
};

/**
 * A kind of job: its name (the stored `outbox.kind`, never changed once shipped), the schema
 * its payload must pass when queued and again before it runs, and its retry policy. The owning
 * module declares it; `handleJob` (job-registry.ts) pairs it with what runs it.
 */
export interface JobKind<Payload extends JobPayload> {
  readonly name: string;
  readonly payload: z.ZodType<Payload>;
  readonly retry: RetryPolicy;
}

/** What a payload is: a JSON object (the `outbox.payload` column). */
export type JobPayload = Record<string, unknown>;

export function defineJobKind<Payload extends JobPayload>(kind: {
  name: string;
  payload: z.ZodType<Payload>;
  retry?: RetryPolicy;
}): JobKind<Payload> {
  return Object.freeze({ ...kind, retry: kind.retry ?? STANDARD_RETRY });
}
