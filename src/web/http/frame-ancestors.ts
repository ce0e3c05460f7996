import type { Db } from '../../db/database.js';
import { activePlatformFrameOrigins } from '../../lti/platform-registry.js';

const REFRESH_INTERVAL_MS = 30_000;

/**
 * The origins allowed to frame the tool's pages: those of every active platform
 * (platformFrameOrigins). Kept in memory, refreshed in the background and after each launch and
 * registration, so the header costs no query per request.
 */
export async function loadFrameAncestors(db: Db) {
  let origins = new Set<string>();
  // Read on every response (security-headers.ts): joined when the origins change, not per read.
  let sources = "'self'";
  const join = () => {
    sources = ["'self'", ...origins].join(' ');
  };
  const refresh = async () => {
    origins = new Set(await activePlatformFrameOrigins(db));
    join();
  };
  await refresh();
  const timer = setInterval(() => void refresh().catch(() => undefined), REFRESH_INTERVAL_MS);
  timer.unref();
  return {
    /** The CSP `frame-ancestors` source list. */
    sources: (): string => sources,
    /** A platform registered or framed the tool from a new origin just now. */
    refresh,
    /** A launch just came from a platform framing the tool from these origins. */
    add: (launchOrigins: readonly string[]) => {
      const known = origins.size;
      launchOrigins.forEach((o) => origins.add(o));
      if (origins.size !== known) join();
    },
    stop: () => clearInterval(timer),
  };
}
