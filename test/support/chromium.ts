/** Where the browser tests find Debian's chromium, and whether they run on this machine. */
import { existsSync } from 'node:fs';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Browser tests run where chromium is installed, and always in CI (which installs it, so a
 * missing browser fails there instead of passing unseen). Elsewhere they are skipped, and the
 * global setup says so once.
 */
export const browserTestsRun = existsSync(CHROMIUM_PATH) || process.env.CI === 'true';

export const BROWSER_TESTS_SKIPPED_LINE =
  'Browser tests skipped: chromium is not installed (sudo apt-get install chromium).';
