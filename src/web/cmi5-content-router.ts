import express, { type Router } from 'express';
import type { Db } from '../db/database.js';
import { NotFoundError } from '../errors.js';
import { isUuid } from '../shared/uuid.js';
import { findPackageFile } from '../xapi/cmi5-package/package-store.js';
import { isSafePath } from '../xapi/content-package/unzip-package.js';

/**
 * The files of imported cmi5 packages, at `/content/cmi5/<package id>/<path>`, for anyone who
 * has the address (the package id is a random UUID handed out in launch URLs; AU content is
 * loaded by the learner's browser, often from an opaque origin that sends no cookies).
 *
 * Content is third-party HTML and script and must never act as the tool. Every answer carries
 * `Content-Security-Policy: sandbox` without `allow-same-origin`, so the browser runs it in an
 * opaque origin: it cannot read the tool's cookies or storage, and its requests to the tool's
 * pages are cross-origin, whose answers it cannot read (the tool grants no CORS to pages) and
 * whose forms lack the CSRF token. Scripts, forms, popups and modals stay allowed because AUs
 * need them; the xAPI endpoint it talks to answers any origin without credentials.
 */
export function createCmi5ContentRouter(deps: { db: Db }): Router {
  const router = express.Router();
  router.get('/content/cmi5/:packageId/*path', async (req, res) => {
    const packageId = req.params.packageId;
    const path = (req.params as { path?: string[] }).path?.join('/') ?? '';
    if (!isUuid(packageId) || !isSafePath(path)) throw new NotFoundError('No such content file.');
    const body = await findPackageFile(deps.db, packageId.toLowerCase(), path);
    if (!body) throw new NotFoundError('No such content file.');
    res
      .set({
        'Content-Security-Policy': CONTENT_POLICY,
        'Content-Type': contentTypeOf(path),
        'X-Content-Type-Options': 'nosniff',
        'Cross-Origin-Resource-Policy': 'cross-origin',
        'Cache-Control': 'private, max-age=3600',
      })
      .send(body);
  });
  return router;
}

export const CONTENT_POLICY = [
  'sandbox allow-scripts allow-forms allow-popups allow-popups-to-escape-sandbox allow-modals allow-downloads',
  "object-src 'none'",
  "base-uri 'self'",
].join('; ');

const CONTENT_TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  htm: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  mjs: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  json: 'application/json',
  xml: 'application/xml',
  txt: 'text/plain; charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  ico: 'image/x-icon',
  woff: 'font/woff',
  woff2: 'font/woff2',
  ttf: 'font/ttf',
  mp3: 'audio/mpeg',
  mp4: 'video/mp4',
  webm: 'video/webm',
  ogg: 'audio/ogg',
  wav: 'audio/wav',
  vtt: 'text/vtt; charset=utf-8',
  pdf: 'application/pdf',
  wasm: 'application/wasm',
};

export function contentTypeOf(path: string): string {
  const extension = path.split('.').pop()?.toLowerCase() ?? '';
  return CONTENT_TYPES[extension] ?? 'application/octet-stream';
}
