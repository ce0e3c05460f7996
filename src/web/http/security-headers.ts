import type { RequestHandler, Response } from 'express';

/** One year, as HSTS preload lists ask (RFC 6797 section 6.1.1). */
const HSTS = 'max-age=31536000; includeSubDomains';

/**
 * Headers for every response. Pages may only be framed by the tool itself and the registered
 * LMSs (`frameAncestors`), never by anyone else (clickjacking). A tool served over HTTPS tells
 * browsers never to reach it over plain HTTP (HSTS, RFC 6797).
 */
export function securityHeaders(frameAncestors: () => string, publicUrl: string): RequestHandler {
  const isHttps = new URL(publicUrl).protocol === 'https:';
  // The policy changes only with the registered LMSs: built once per change, not per request.
  let policyAncestors: string | null = null;
  let policy = '';
  return (_req, res, next) => {
    const ancestors = frameAncestors();
    if (ancestors !== policyAncestors) {
      policyAncestors = ancestors;
      policy = [...POLICY_WITHOUT_ANCESTORS, `frame-ancestors ${ancestors}`].join('; ');
    }
    if (isHttps) res.setHeader('Strict-Transport-Security', HSTS);
    res.setHeader('Content-Security-Policy', policy);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'strict-origin-when-cross-origin');
    next();
  };
}

const POLICY_WITHOUT_ANCESTORS = [
  "default-src 'self'",
  "img-src 'self' data:",
  "style-src 'self'",
  "script-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
];

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
