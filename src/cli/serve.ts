import cluster from 'node:cluster';
import { createServer } from 'node:http';
import { createApp } from '../app.js';
import { createLogger } from '../config/logger.js';
import type { Settings } from '../config/settings.js';
import { superviseWorkers } from './serve-workers.js';

/**
 * How long an idle connection stays open. A load balancer keeps its connections to the tool open
 * for a minute or more (nginx upstream `keepalive`, cloud balancers 60 s); if the tool closed
 * one first (Node's default is 5 s), a request the balancer sends as it closes would be lost.
 */
const IDLE_CONNECTION_MS = 75_000;

/**
 * `microcred serve`: starts the tool and closes it cleanly on SIGINT/SIGTERM; with more than
 * one worker, this process supervises them (serve-workers.ts) and each of them runs the tool.
 */
export async function serve(settings: Settings): Promise<void> {
  if (settings.workers > 1 && cluster.isPrimary) {
    superviseWorkers(settings);
    return;
  }
  const logger = createLogger(settings.logLevel);
  const tool = await createApp(settings, { logger });
  const server = createServer(
    { keepAliveTimeout: IDLE_CONNECTION_MS, headersTimeout: IDLE_CONNECTION_MS + 1_000 },
    tool.app,
  );
  server.listen({ port: settings.port, host: settings.host }, () => {
    logger.info('lifecycle', 'listening', {
      url: settings.publicUrl,
      host: settings.host ?? 'every interface',
      port: settings.port,
      storage: tool.storageMode,
    });
  });
  server.on('error', (error) => {
    logger.error('lifecycle', 'cannot listen', {
      host: settings.host,
      port: settings.port,
      error,
    });
    process.exitCode = 1;
    void tool.close().finally(() => cluster.worker?.disconnect());
  });

  let isShuttingDown = false;
  const shutdown = (signal: string) => {
    // A worker hears Ctrl+C from the terminal and SIGTERM from its primary: one shutdown.
    if (isShuttingDown) return;
    isShuttingDown = true;
    logger.info('lifecycle', 'shutting down', { signal });
    server.close(() => {
      tool
        .close()
        .catch((error: unknown) => {
          logger.error('lifecycle', 'close failed', { error });
          process.exitCode = 1;
        })
        // A worker's channel to its primary keeps it running until it is closed.
        .finally(() => cluster.worker?.disconnect());
    });
    server.closeAllConnections();
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}
