import { z } from 'zod';
import type { outbox } from '../db/schema.js';
import type { JobKind, JobPayload, RetryPolicy } from './job-kind.js';

export type StoredJob = typeof outbox.$inferSelect;

/** A stored payload that its kind's schema refuses: the job fails at once, without retries. */
export class JobPayloadInvalidError extends Error {
  readonly code = 'JOB_PAYLOAD_INVALID';
}

/**
 * Thrown by a job that cannot run yet because another worker is doing its part (for example
 * holds the claim to issue the same credential): the job runs again after `retryAfterSeconds`,
 * without counting as a failed attempt or being logged as one.
 */
export class JobDeferredError extends Error {
  readonly code = 'JOB_DEFERRED';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/** A kind of job with what runs it, as the worker holds it. */
export interface JobHandler {
  readonly name: string;
  readonly retry: RetryPolicy;
  /**
   * Checks a stored payload against the kind's schema and returns the run to do. Throws
   * JobPayloadInvalidError, naming the first bad field, when it does not pass.
   */
  prepare(job: StoredJob): () => Promise<void>;
}

/** Pairs a kind with what runs it; the run receives the payload its schema parsed. */
export function handleJob<Payload extends JobPayload>(
  kind: JobKind<Payload>,
  run: (payload: Payload) => Promise<void>,
): JobHandler {
  return {
    name: kind.name,
    retry: kind.retry,
    prepare(job) {
      const parsed = kind.payload.safeParse(job.payload);
      if (!parsed.success) {
        throw new JobPayloadInvalidError(
          `The stored payload of this ${kind.name} job is invalid: ${z.prettifyError(parsed.error)}`,
        );
      }
      return () => run(parsed.data);
    },
  };
}

export interface JobRegistry {
  /** The handler of a kind, or undefined for a kind nobody registered. */
  handlerOf(kindName: string): JobHandler | undefined;
}

/** The kinds of job this app runs. Throws TypeError when two handlers claim one kind. */
export function createJobRegistry(handlers: readonly JobHandler[]): JobRegistry {
  const byName = new Map<string, JobHandler>();
  for (const handler of handlers) {
    if (byName.has(handler.name)) {
      throw new TypeError(`Two handlers for jobs of kind "${handler.name}"`);
    }
    byName.set(handler.name, handler);
  }
  return { handlerOf: (kindName) => byName.get(kindName) };
}
