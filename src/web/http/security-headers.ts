import type { RequestHandler, Response } from 'express';

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

/**
 * Lets any origin frame this one response (`frame-ancestors *`), for a page an LMS shows in
 * its own page before the tool knows the LMS: the registration under a valid invitation.
 */
export function allowAnyFrameAncestor(res: Response): void {
  const policy = res.get('Content-Security-Policy');
  if (policy) {
    res.set(
      'Content-Security-Policy',
      policy.replace(/frame-ancestors [^;]*/, 'frame-ancestors *'),
    );
  }
}
