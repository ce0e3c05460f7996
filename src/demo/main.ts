import { mkdtempSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadDemoSettings } from '../config/demo-settings.js';
import { createLogger, type Logger } from '../config/logger.js';
import { SettingsError } from '../config/settings.js';
import { startDemo, type RunningDemo } from './demo-server.js';

/**
 * Process entry for `npm run demo`: the tool with the demo LMS, on a fresh database in a
 * temporary folder that is removed again on SIGINT/SIGTERM.
 *
 * The signal handlers are in place before anything else: until a process listens for SIGINT,
 * the signal kills it outright and no exit handler runs, so a Ctrl+C during start-up (or one that
 * a loaded machine delivers right after "running" is printed) would leave the folder behind.
 * Ctrl+C in a terminal signals the whole process group, and `npm run` relays it once more: the
 * demo sees SIGINT twice. The first one stops it; the others are ignored, so they cannot kill
 * the process halfway through removing its folder. `npm run demo` loads TypeScript with
 * `node --import tsx`, not the `tsx` command: that one kills its child with SIGKILL when the
 * child does not acknowledge a signal within 60 ms, which an event loop busy with the embedded
 * database can miss. The folder is created synchronously after the handlers are in place, and
 * its exit hook with it: a SIGINT that arrives as soon as the folder exists finds both.
 */
let isStopRequested = false;
let running: { demo: RunningDemo; logger: Logger } | undefined;

async function stop({ demo, logger }: { demo: RunningDemo; logger: Logger }): Promise<void> {
  try {
    await demo.close();
  } catch (error) {
    logger.error('lifecycle', 'close failed', { error });
    process.exitCode = 1;
  }
  await rm(dataDir, { recursive: true, force: true });
}

function requestStop(): void {
  if (isStopRequested) return;
  isStopRequested = true;
  if (running) void stop(running);
}
process.on('SIGINT', requestStop);
process.on('SIGTERM', requestStop);

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'microcred-demo-'));
process.once('exit', () => rmSync(dataDir, { recursive: true, force: true }));

try {
  const settings = loadDemoSettings(dataDir);
  const logger = createLogger(settings.logLevel);
  running = { demo: await startDemo({ settings, logger }), logger };
  if (isStopRequested) {
    await stop(running);
  } else {
    process.stdout.write(
      `\nmicrocred demo is running. Open ${running.demo.url} and launch as the teacher or a learner.\n` +
        'This is a demo: sample data, gone when you stop it with Ctrl+C.\n\n',
    );
  }
} catch (error) {
  await rm(dataDir, { recursive: true, force: true });
  if (!(error instanceof SettingsError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
}
