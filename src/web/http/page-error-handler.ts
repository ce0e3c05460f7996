import { randomUUID } from 'node:crypto';
import type { ErrorRequestHandler } from 'express';
import type { Logger } from '../../config/logger.js';
import { describeError } from './json-error-handler.js';
import type { RenderView } from '../views.js';

/**
 * Errors on pages that a browser asked for come back as a page in the person's language
 * (views/error.eta): what went wrong by the error's code, and what to do. API and LRS clients
 * get the JSON error (json-error-handler.ts), which comes next.
 */
export function pageErrorHandler(render: RenderView, logger: Logger): ErrorRequestHandler {
  return (error, req, res, next) => {
    const wantsPage =
      !req.path.startsWith('/api/') &&
      !req.path.startsWith('/xapi/') &&
      req.accepts(['json', 'html']) === 'html';
    if (!wantsPage || res.headersSent) {
      next(error);
      return;
    }
    const { status, code } = describeError(error);
    let requestId: string | null = null;
    if (status >= 500) {
      requestId = randomUUID();
      logger.error('http', 'page failed', { requestId, method: req.method, path: req.path, error });
    }
    res.status(status).send(render(res, 'error', { status, code, requestId }));
  };
}
