import { rmSync } from 'node:fs';
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
 *
 * Ctrl+C in a terminal signals the whole process group, and `npm run` relays it once more: the
 * demo sees SIGINT twice. The first one stops it; the others are ignored, so they cannot kill
 * the process halfway through removing its folder. `npm run demo` loads TypeScript with
 * `node --import tsx`, not the `tsx` command: that one kills its child with SIGKILL when the
 * child does not acknowledge a signal within 60 ms, which an event loop busy with the embedded
 * database can miss, and the folder stayed behind.
 */
const dataDir = await mkdtemp(path.join(os.tmpdir(), 'microcred-demo-'));
process.once('exit', () => rmSync(dataDir, { recursive: true, force: true }));
try {
  const settings = loadDemoSettings(dataDir);
  const logger = createLogger(settings.logLevel);
  const demo = await startDemo({ settings, logger });
  process.stdout.write(
    `\nmicrocred demo is running. Open ${demo.url} and launch as the teacher or a learner.\n` +
      'This is a demo: sample data, gone when you stop it with Ctrl+C.\n\n',
  );
  let isStopping = false;
  const shutdown = () => {
    if (isStopping) return;
    isStopping = true;
    demo
      .close()
      .catch((error: unknown) => {
        logger.error('lifecycle', 'close failed', { error });
        process.exitCode = 1;
      })
      .finally(() => rm(dataDir, { recursive: true, force: true }));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
} catch (error) {
  await rm(dataDir, { recursive: true, force: true });
  if (!(error instanceof SettingsError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
}
