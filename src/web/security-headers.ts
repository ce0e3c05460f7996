import type { RequestHandler } from 'express';

/**
 * Headers for every response. No `frame-ancestors` and no X-Frame-Options: LMSs embed the tool
 * in an iframe (limiting framing to the registered platforms comes with the pages).
 */
export const securityHeaders: RequestHandler = (_req, res, next) => {
  res.set({
    'Content-Security-Policy':
      "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'",
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'strict-origin-when-cross-origin',
  });
  next();
};
