import cluster from 'node:cluster';
import { createLogger } from '../config/logger.js';
import { resolveSecret } from '../config/secret.js';
import type { Settings } from '../config/settings.js';
import { answerWorkersForMetrics } from '../web/metrics/cluster-metrics.js';

/**
 * The primary process of `microcred serve --workers N` (MICROCRED_WORKERS): N processes of the
 * tool share the port (node:cluster), to use the cores of one machine. It serves nothing itself:
 * it resolves the secret once (so that workers never generate two), starts the workers,
 * replaces a worker that dies after it was serving, gathers the workers' metrics for
 * `GET /metrics`, and on SIGINT or SIGTERM stops every worker and waits for them. A worker that
 * dies before it listens is a start-up failure (the database unreachable, the port taken): the
 * primary then stops the others and exits 1 rather than start it again and again.
 */
export function superviseWorkers(settings: Settings): void {
  const logger = createLogger(settings.logLevel);
  resolveSecret(settings, logger);
  answerWorkersForMetrics();
  const serving = new Set<number>();
  let isStopping = false;
  const stopWorkers = () => {
    isStopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
  };

  cluster.on('listening', (worker) => serving.add(worker.id));
  cluster.on('exit', (worker, code, signal) => {
    const wasServing = serving.delete(worker.id);
    const fields = { pid: worker.process.pid, code, signal };
    if (isStopping) return;
    if (!wasServing) {
      logger.error('lifecycle', 'a worker failed to start: stopping the others', fields);
      process.exitCode = 1;
      stopWorkers();
      return;
    }
    logger.warn('lifecycle', 'a worker died: starting another', fields);
    cluster.fork();
  });
  const shutdown = (signal: string) => {
    logger.info('lifecycle', 'stopping the workers', { signal });
    stopWorkers();
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);

  logger.info('lifecycle', 'starting workers', { workers: settings.workers });
  for (let started = 0; started < settings.workers; started += 1) cluster.fork();
}
