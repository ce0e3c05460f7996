/** Runs once before the suite: says, in one line each, which tests this machine cannot run. */
import { BROWSER_TESTS_SKIPPED_LINE, browserTestsRun } from './chromium.js';
import { NGINX_TESTS_SKIPPED_LINE, nginxTestsRun } from './nginx.js';

export default function announceSkippedSuites(): void {
  if (!browserTestsRun) console.warn(BROWSER_TESTS_SKIPPED_LINE);
  if (!nginxTestsRun) console.warn(NGINX_TESTS_SKIPPED_LINE);
}
