import { Oauth2ServerErrorResponseError } from '@openid4vc/oauth2';
import type { ErrorRequestHandler } from 'express';
import type { ProtocolErrorCode } from '../../error-codes.js';

/**
 * An error the protocol endpoints answer with `{ error, error_description }` (status 400 unless
 * given). It is the library's own error type, which its request parsers and proof verifiers
 * throw too, so one handler answers both.
 */
export function protocolError(
  error: ProtocolErrorCode,
  description: string,
  status = 400,
): Oauth2ServerErrorResponseError {
  return new Oauth2ServerErrorResponseError({ error, error_description: description }, { status });
}

/**
 * Answers protocol errors in the protocol's shape, uncached; a 401 carries the RFC 6750 §3
 * challenge, bare when the request had no credentials at all (§3.1). Other errors pass on to
 * the tool's JSON error handler.
 */
export const protocolErrorHandler: ErrorRequestHandler = (error, req, res, next) => {
  if (!(error instanceof Oauth2ServerErrorResponseError)) {
    next(error);
    return;
  }
  const code = error.errorResponse.error;
  const description = error.errorResponse.error_description;
  const text = description === undefined ? undefined : asciiDescription(description);
  res.set('Cache-Control', 'no-store');
  if (error.status === 401) {
    res.set(
      'WWW-Authenticate',
      req.get('authorization') ? `Bearer error="${code}", error_description="${text}"` : 'Bearer',
    );
  }
  res.status(error.status).json({ error: code, ...(text ? { error_description: text } : {}) });
};

/**
 * `error_description` may hold printable ASCII only, without `"` and `\` (RFC 6749 §5.2;
 * OpenID4VCI 1.0 §8.3.1.2); the library's descriptions carry quotes and line breaks.
 */
function asciiDescription(text: string): string {
  return text
    .replaceAll('"', "'")
    .replaceAll('\\', '/')
    .replace(/[^\x20-\x7e]+/g, ' ')
    .replace(/ {2,}/g, ' ')
    .trim()
    .slice(0, 500);
}
