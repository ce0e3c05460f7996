import type { RequestHandler } from 'express';
import { NotFoundError } from '../../errors.js';

/**
 * The paths the content host serves: the H5P player and packages, the tool's static files, and
 * the health check (which answers the same on any name of the server).
 */
const CONTENT_PATHS = /^\/(content\/h5p\/|content\/h5p-player\/|static\/|health$)/;
const H5P_PATHS = /^\/content\/(h5p|h5p-player)\//;

/**
 * Keeps the content host name (settings `contentUrl`) and the tool's apart, although one server
 * answers both: on the content host only the H5P player, the packages' files and the static
 * files (and `/health`) are served (no page, API or LRS that a session cookie could reach from the content's
 * own origin), and on the tool's host no H5P content is served (so a package's scripts never
 * run with the tool's origin). The host is read from the `Host` header, as the browser sent it.
 */
export function keepContentHostApart(contentUrl: string | undefined): RequestHandler {
  const contentHost = contentUrl ? new URL(contentUrl).host.toLowerCase() : null;
  return (req, _res, next) => {
    const isContentHost = (req.get('host') ?? '').toLowerCase() === contentHost;
    const isAllowed = isContentHost ? CONTENT_PATHS.test(req.path) : !H5P_PATHS.test(req.path);
    if (!isAllowed) throw new NotFoundError('Nothing here.');
    next();
  };
}
