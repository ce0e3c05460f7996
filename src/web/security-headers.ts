import type { RequestHandler } from 'express';

/**
 * Headers for every response. Pages may only be framed by the tool itself and the registered
 * LMSs (`frameAncestors`), never by anyone else (clickjacking).
 */
export function securityHeaders(frameAncestors: () => string): RequestHandler {
  return (_req, res, next) => {
    res.set({
      'Content-Security-Policy': [
        "default-src 'self'",
        "img-src 'self' data:",
        "style-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        `frame-ancestors ${frameAncestors()}`,
      ].join('; '),
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'strict-origin-when-cross-origin',
    });
    next();
  };
}
