import type { RequestHandler } from 'express';

/**
 * CORS for what any web page or web wallet may read or call: any origin, never with the
 * visitor's cookies (no `Access-Control-Allow-Credentials`).
 */
export const allowAnyOrigin: RequestHandler = (_req, res, next) => {
  res.set('Access-Control-Allow-Origin', '*');
  next();
};

/** Answers a browser's preflight for a cross-origin POST sending these request headers. */
export function answerPostPreflight(allowedHeaders: string): RequestHandler {
  return (_req, res) => {
    res
      .set({
        'Access-Control-Allow-Origin': '*',
        'Access-Control-Allow-Methods': 'POST',
        'Access-Control-Allow-Headers': allowedHeaders,
        'Access-Control-Max-Age': '600',
      })
      .status(204)
      .end();
  };
}
