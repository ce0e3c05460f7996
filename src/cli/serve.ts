import { createServer } from 'node:http';
import { createApp } from '../app.js';
import { createLogger } from '../config/logger.js';
import type { Settings } from '../config/settings.js';

/** `microcred serve`: starts the tool and closes it cleanly on SIGINT/SIGTERM. */
export async function serve(settings: Settings): Promise<void> {
  const logger = createLogger(settings.logLevel);
  const tool = await createApp(settings, { logger });
  const server = createServer(tool.app);
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
    void tool.close();
  });

  const shutdown = (signal: string) => {
    logger.info('lifecycle', 'shutting down', { signal });
    server.close(() => {
      tool.close().catch((error: unknown) => {
        logger.error('lifecycle', 'close failed', { error });
        process.exitCode = 1;
      });
    });
    server.closeAllConnections();
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}
