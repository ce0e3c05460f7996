import cluster, { type Worker } from 'node:cluster';
import { createLogger } from '../config/logger.js';
import { resolveSecret } from '../config/secret.js';
import type { Settings } from '../config/settings.js';
import { answerWorkersForMetrics } from '../web/metrics/cluster-metrics.js';

/** A worker that ends sooner than this after it was started counts as failing to run. */
const SHORT_LIFE_MS = 10_000;
const LONGEST_RESTART_DELAY_MS = 30_000;

/**
 * The primary process of `microcred serve --workers N` (MICROCRED_WORKERS): N processes of the
 * tool share the port (node:cluster), to use the cores of one machine. It serves nothing itself:
 * it resolves the secret once (so that workers never generate two), starts the workers,
 * gathers their metrics for `GET /metrics`, and on SIGINT or SIGTERM stops every worker and
 * waits for them.
 * - Until every worker has listened once, a worker that dies is a start-up failure (the
 *   database unreachable, the port taken): the primary stops the others and exits 1.
 * - After that, a worker that dies is replaced; when replacements keep dying young, each next
 *   one waits twice as long (1 s up to 30 s), so a lasting fault does not become a busy loop.
 */
export function superviseWorkers(settings: Settings): void {
  const logger = createLogger(settings.logLevel);
  resolveSecret(settings, logger);
  const serving = new Map<number, Worker>();
  const startedAt = new Map<number, number>();
  answerWorkersForMetrics(() => [...serving.values()]);
  let isStarting = true;
  let isStopping = false;
  let shortLivesInARow = 0;

  const startWorker = () => {
    const worker = cluster.fork();
    startedAt.set(worker.id, Date.now());
  };
  const stopWorkers = () => {
    isStopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
  };

  cluster.on('listening', (worker) => {
    serving.set(worker.id, worker);
    if (isStarting && serving.size === settings.workers) isStarting = false;
  });
  cluster.on('exit', (worker, code, signal) => {
    serving.delete(worker.id);
    const lifeMs = Date.now() - (startedAt.get(worker.id) ?? 0);
    startedAt.delete(worker.id);
    if (isStopping) return;
    const fields = { pid: worker.process.pid, code, signal };
    if (isStarting) {
      logger.error('lifecycle', 'a worker failed to start: stopping the others', fields);
      process.exitCode = 1;
      stopWorkers();
      return;
    }
    shortLivesInARow = lifeMs < SHORT_LIFE_MS ? shortLivesInARow + 1 : 0;
    const delayMs =
      shortLivesInARow === 0
        ? 0
        : Math.min(LONGEST_RESTART_DELAY_MS, 1_000 * 2 ** (shortLivesInARow - 1));
    logger.warn('lifecycle', 'a worker died: starting another', { ...fields, delayMs });
    setTimeout(() => {
      if (!isStopping) startWorker();
    }, delayMs);
  });
  const shutdown = (signal: string) => {
    logger.info('lifecycle', 'stopping the workers', { signal });
    stopWorkers();
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);

  logger.info('lifecycle', 'starting workers', { workers: settings.workers });
  for (let started = 0; started < settings.workers; started += 1) startWorker();
}
