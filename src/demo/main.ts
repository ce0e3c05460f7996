import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadDemoSettings } from '../config/demo-settings.js';
import { createLogger } from '../config/logger.js';
import { SettingsError } from '../config/settings.js';
import { startDemo } from './demo-server.js';

/**
 * Process entry for `npm run demo`: the tool with the demo LMS, on a fresh database in a
 * temporary folder that is removed again on SIGINT/SIGTERM.
 */
const dataDir = await mkdtemp(path.join(os.tmpdir(), 'microcred-demo-'));
try {
  const settings = loadDemoSettings(dataDir);
  const logger = createLogger(settings.logLevel);
  const demo = await startDemo({ settings, logger });
  process.stdout.write(
    `\nmicrocred demo is running. Open ${demo.url} and launch as the teacher or a learner.\n` +
      'This is a demo: sample data, gone when you stop it with Ctrl+C.\n\n',
  );
  const shutdown = () => {
    demo
      .close()
      .catch((error: unknown) => {
        logger.error('lifecycle', 'close failed', { error });
        process.exitCode = 1;
      })
      .finally(() => rm(dataDir, { recursive: true, force: true }));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
} catch (error) {
  await rm(dataDir, { recursive: true, force: true });
  if (!(error instanceof SettingsError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
}
