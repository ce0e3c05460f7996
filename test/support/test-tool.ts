import type { Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer } from 'node:net';
import { createApp, type MicrocredApp } from '../../src/app.js';
import { createLogger, type Logger } from '../../src/config/logger.js';
import { loadSettings, type Settings } from '../../src/config/settings.js';
import { createTestStorage, type TestStorage } from './test-database.js';
import type { TestTls } from './test-tls.js';

export interface TestTool {
  readonly url: string;
  readonly settings: Settings;
  readonly storage: TestStorage;
  current(): MicrocredApp;
  /** Stops the tool and starts it again on the same port and data. */
  restart(): Promise<void>;
  /** Stops the tool and drops its data. */
  close(): Promise<void>;
}

/**
 * Starts the real tool over HTTP on 127.0.0.1, on fresh storage (PostgreSQL when DATABASE_URL
 * is set, else PGlite), with a quiet logger and a fast outbox poll. Given the `storage` of
 * another tool (PostgreSQL only), it starts a second process-like instance on the same
 * database, and `close()` leaves the data to that tool. It may fetch
 * from 127.0.0.1, where the test LMS and test LRSs run (`env` can take that back). Given `tls`,
 * it serves https with that certificate (see test-tls.ts).
 */
export async function startTestTool(
  options: {
    logger?: Logger;
    env?: Record<string, string>;
    storage?: TestStorage;
    tls?: TestTls;
  } = {},
): Promise<TestTool> {
  const storage = options.storage ?? (await createTestStorage());
  const port = await freePort();
  const settings = loadSettings({
    PORT: String(port),
    MICROCRED_PUBLIC_URL: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    DATABASE_URL: storage.databaseUrl,
    MICROCRED_DATA_DIR: storage.dataDir,
    MICROCRED_LOG_LEVEL: 'error',
    MICROCRED_OUTGOING_ALLOW_PRIVATE: '127.0.0.1',
    ...options.env,
  });
  const logger = options.logger ?? createLogger('error', () => {});
  let running = await start(settings, logger, options.tls);

  return {
    url: settings.publicUrl,
    settings,
    storage,
    current: () => running.tool,
    async restart() {
      await stop(running);
      running = await start(settings, logger, options.tls);
    },
    async close() {
      await stop(running);
      if (!options.storage) await storage.drop();
    },
  };
}

async function start(settings: Settings, logger: Logger, tls: TestTls | undefined) {
  const tool = await createApp(settings, { logger, outboxPollIntervalMs: 200 });
  const server = await new Promise<Server>((resolve) => {
    const listening = tls
      ? createHttpsServer(tls, tool.app).listen(settings.port, '127.0.0.1', () =>
          resolve(listening),
        )
      : tool.app.listen(settings.port, '127.0.0.1', () => resolve(listening));
  });
  return { tool, server };
}

async function stop({ tool, server }: { tool: MicrocredApp; server: Server }) {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await tool.close();
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
