import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Executor } from '../../db/database.js';
import { VerifierBusyError } from '../../errors.js';
import type { VerificationReport } from './verification-report.js';
import type { PartnerDocuments } from './verify-credential.js';
import { createDatabaseLookups, type VerifierLookups } from './verifier-lookups.js';

/**
 * Verification off the event loop. Whatever anyone sends to POST /verify, and every credential a
 * learner brings from a partner (src/recognition/), is parsed, checked against the schema and
 * canonicalized in worker threads (verify-worker.ts), so a hostile input cannot hold up other
 * requests:
 * - a few workers, started on first use and kept; each verifies one input at a time and asks
 *   this thread, which holds the database, for our DID documents and status list entries; a
 *   partner's DID documents, status lists and contexts, read before, go with the input;
 * - a hard time budget per verification: a worker still busy when it runs out is terminated
 *   (a replacement starts at once) and the report says `VERIFY_TIMEOUT`;
 * - a bounded queue: when it is full, a request is refused with VerifierBusyError (503, with
 *   the seconds to wait before retrying). So a request waits at most its place in the queue
 *   times the budget, divided among the workers (20 s with the defaults), once they have started.
 *
 * We use node:worker_threads directly rather than a pool library: besides the pool and the
 * deadline, the pool must answer its workers' lookups, which a library would route through a
 * port of our own anyway.
 */

export type VerificationPool = {
  /**
   * A Buffer given to it may be moved to the worker thread: it is empty afterwards. A partner's
   * documents, read beforehand (src/recognition/), go to the worker with the input, as data.
   */
  verify: (
    input: Buffer | string | object,
    partners?: PartnerDocuments,
  ) => Promise<VerificationReport>;
  /** Refuses what waits, terminates the workers. */
  close: () => Promise<void>;
};

export type WorkerSetup = { publicUrl: string };

export type LookupRequest =
  { kind: 'resolveDid'; did: string } | { kind: 'findStatusEntry'; listId: string; index: number };

export type ToWorker =
  | { kind: 'verify'; input: Buffer | string | object; partners?: PartnerDocuments }
  | { kind: 'answer'; id: number; value: unknown }
  | { kind: 'answer'; id: number; error: string };

export type FromWorker =
  | { kind: 'ready' }
  | { kind: 'lookup'; id: number; request: LookupRequest }
  | { kind: 'report'; report: VerificationReport }
  | { kind: 'failed'; message: string };

/** Verifying one of our credentials takes tens of milliseconds; a real one elsewhere, under a second. */
const TIME_BUDGET_MS = 5_000;
const QUEUED_PER_WORKER = 4;
/** A 5 MB credential parses and expands into well under this. */
const WORKER_HEAP_MB = 512;

type Task = {
  input: Buffer | string | object;
  partners?: PartnerDocuments;
  resolve: (report: VerificationReport) => void;
  reject: (error: Error) => void;
  /** The deadline, while a worker runs it. */
  timer?: NodeJS.Timeout;
};

type PoolWorker = { worker: Worker; ready: boolean; task: Task | null };

export function createVerificationPool(options: {
  db: Executor;
  publicUrl: string;
  /** The hard limit of one verification, in milliseconds (default 5 s). */
  timeBudgetMs?: number;
  /** Worker threads (default: the cores less one, between 2 and 4). */
  workers?: number;
  /** Requests that may wait for a free worker (default: 4 per worker); more are refused. */
  maxQueue?: number;
}): VerificationPool {
  const { publicUrl } = options;
  const lookups = createDatabaseLookups(options);
  const budgetMs = options.timeBudgetMs ?? TIME_BUDGET_MS;
  const size = options.workers ?? Math.min(4, Math.max(2, availableParallelism() - 1));
  const maxQueue = options.maxQueue ?? size * QUEUED_PER_WORKER;
  const retryAfterSeconds = Math.max(1, Math.ceil(budgetMs / 1000));
  const workers = new Set<PoolWorker>();
  const queue: Task[] = [];
  let closed = false;

  const busy = (why: string) =>
    new VerifierBusyError(`${why}: try again in ${retryAfterSeconds} seconds`, retryAfterSeconds);

  const dispatch = () => {
    for (const entry of workers) {
      if (queue.length === 0) return;
      if (entry.ready && entry.task === null) run(entry, queue.shift() as Task);
    }
    if (queue.length > 0 && workers.size < size && !closed) start();
  };

  const run = (entry: PoolWorker, task: Task) => {
    entry.task = task;
    task.timer = setTimeout(() => {
      retire(entry);
      if (!closed) start();
      task.resolve(timedOut(budgetMs));
    }, budgetMs);
    const { input, partners } = task;
    // A buffer with memory of its own (an uploaded body) is moved to the worker, not copied.
    const ownsMemory =
      Buffer.isBuffer(input) && input.byteOffset === 0 && input.length === input.buffer.byteLength;
    entry.worker.postMessage(
      { kind: 'verify', input, ...(partners ? { partners } : {}) } satisfies ToWorker,
      ownsMemory ? [input.buffer as ArrayBuffer] : [],
    );
  };

  const retire = (entry: PoolWorker) => {
    workers.delete(entry);
    entry.worker.removeAllListeners();
    void entry.worker.terminate();
  };

  const finish = (entry: PoolWorker, settle: (task: Task) => void) => {
    const task = entry.task;
    if (!task) return;
    clearTimeout(task.timer);
    entry.task = null;
    settle(task);
    dispatch();
  };

  const start = () => {
    const entry: PoolWorker = { worker: spawnWorker({ publicUrl }), ready: false, task: null };
    workers.add(entry);
    entry.worker.unref();
    entry.worker.on('message', (message: FromWorker) => {
      if (message.kind === 'ready') {
        entry.ready = true;
        dispatch();
      } else if (message.kind === 'lookup') {
        answerLookup(lookups, message.request).then(
          (value) => entry.worker.postMessage({ kind: 'answer', id: message.id, value }),
          (error: unknown) =>
            entry.worker.postMessage({
              kind: 'answer',
              id: message.id,
              error: String((error as Error)?.message ?? error),
            }),
        );
      } else if (message.kind === 'report') {
        finish(entry, (task) => task.resolve(message.report));
      } else {
        finish(entry, (task) => task.reject(new Error(`Verification failed: ${message.message}`)));
      }
    });
    // A worker that fails before it is ready would fail again: what waits is refused.
    const lost = (error: Error) => {
      retire(entry);
      const failed = entry.ready ? [entry.task] : queue.splice(0);
      for (const task of failed) {
        if (!task) continue;
        clearTimeout(task.timer);
        task.reject(error);
      }
      dispatch();
    };
    entry.worker.on('error', lost);
    entry.worker.on('exit', (code) => lost(new Error(`Verification worker exited (${code})`)));
  };

  return {
    verify: (input, partners) =>
      new Promise<VerificationReport>((resolve, reject) => {
        if (closed) throw new TypeError('The verification pool is closed');
        const task: Task = { input, ...(partners ? { partners } : {}), resolve, reject };
        queue.push(task);
        dispatch();
        if (!queue.includes(task)) return;
        if (queue.length > maxQueue) {
          queue.pop();
          throw busy('Too many verifications are waiting');
        }
      }),
    async close() {
      closed = true;
      const running = [...workers];
      workers.clear();
      const unanswered = [...queue.splice(0), ...running.map((entry) => entry.task)];
      for (const task of unanswered) {
        if (!task) continue;
        clearTimeout(task.timer);
        task.reject(busy('The tool is shutting down'));
      }
      await Promise.all(
        running.map((entry) => {
          entry.worker.removeAllListeners();
          return entry.worker.terminate();
        }),
      );
    },
  };
}

/** The report when the checks ran out of time. */
function timedOut(budgetMs: number): VerificationReport {
  return {
    verified: false,
    verdict: 'couldNotCheck',
    format: 'unknown',
    checks: [],
    credential: null,
    error: {
      code: 'VERIFY_TIMEOUT',
      message: `Could not verify in time: the checks took longer than ${budgetMs} ms and were stopped`,
    },
  };
}

function answerLookup(lookups: VerifierLookups, request: LookupRequest): Promise<unknown> {
  return request.kind === 'resolveDid'
    ? lookups.resolveDid(request.did)
    : lookups.findStatusEntry(request.listId, request.index);
}

/**
 * Run from the TypeScript sources (tests, tsx), the worker registers tsx itself: Node 20 does
 * not pass `--import` hooks on to worker threads.
 */
function spawnWorker(setup: WorkerSetup): Worker {
  const options = {
    workerData: setup,
    resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
  };
  const entry = new URL(
    import.meta.url.endsWith('.ts') ? './verify-worker.ts' : './verify-worker.js',
    import.meta.url,
  );
  if (entry.pathname.endsWith('.js')) return new Worker(entry, options);
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}
