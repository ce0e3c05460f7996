/** Runs once before the suite: says, in one line, which tests this machine cannot run. */
import { BROWSER_TESTS_SKIPPED_LINE, browserTestsRun } from './chromium.js';

export default function announceSkippedSuites(): void {
  if (!browserTestsRun) console.warn(BROWSER_TESTS_SKIPPED_LINE);
}
