import { randomUUID } from 'node:crypto';
import type { ErrorRequestHandler } from 'express';
import type { Logger } from '../../config/logger.js';
import type { ErrorCode } from '../../error-codes.js';
import { MicrocredError } from '../../errors.js';

/**
 * Maps errors to `{ error: { code, message } }` JSON. Exposed MicrocredErrors keep their status,
 * code and message; body-parser errors keep their 4xx; anything else is a plain 500 with a
 * request id that the log line also carries, never a stack trace.
 */
export function jsonErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const { status, code, message } = describeError(error);
    if (status >= 500) {
      const requestId = randomUUID();
      logger.error('http', 'request failed', {
        requestId,
        method: req.method,
        path: req.path,
        error,
      });
      res.status(status).json({ error: { code, message, requestId } });
      return;
    }
    res.status(status).json({ error: { code, message } });
  };
}

export function describeError(error: unknown): {
  status: number;
  code: ErrorCode;
  message: string;
} {
  if (error instanceof MicrocredError && error.expose) {
    return { status: error.status, code: error.code, message: error.message };
  }
  const candidate = error as {
    status?: unknown;
    type?: unknown;
    expose?: unknown;
    message?: unknown;
  };
  if (
    typeof candidate.status === 'number' &&
    candidate.status >= 400 &&
    candidate.status < 500 &&
    candidate.expose === true
  ) {
    const code = candidate.type === 'entity.too.large' ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST';
    return { status: candidate.status, code, message: String(candidate.message) };
  }
  return { status: 500, code: 'INTERNAL_ERROR', message: 'Something went wrong on our side.' };
}
