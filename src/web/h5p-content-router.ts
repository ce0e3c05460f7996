import { createRequire } from 'node:module';
import path from 'node:path';
import express, { type Response, type Router } from 'express';
import type { Db } from '../db/database.js';
import { NotFoundError } from '../errors.js';
import { isUuid } from '../shared/uuid.js';
import { isSafePath } from '../xapi/content-package/unzip-package.js';
import { findH5pPackage, findH5pPackageFile } from '../xapi/h5p-package/h5p-package-store.js';
import { CONTENT_POLICY, contentTypeOf } from './cmi5-content-router.js';
import type { RenderView } from './views.js';

/** The built player of the h5p-standalone package, served as it is from node_modules. */
const PLAYER_ASSETS = path.dirname(createRequire(import.meta.url).resolve('h5p-standalone'));

/**
 * H5P packages as the learner's browser plays them, on the content host only (settings
 * `contentUrl`, kept apart by http/content-host.ts), for anyone who has the address (the package
 * id is a random UUID; the content is no secret, the results are what the launch protects):
 * - `GET /content/h5p/<package id>/player` is the player page that content launches open: it
 *   runs h5p-standalone on the package and relays its xAPI events to the LRS under the launch
 *   (public/h5p-player.js with public/xapi-relay.js);
 * - `GET /content/h5p/<package id>/files/<path>` is a file of the package;
 * - `GET /content/h5p-player/<file>` is a file of the player (h5p-standalone's `dist`).
 *
 * The content host is another origin than the tool's: the package's scripts cannot read the
 * tool's cookies or storage, nor the answers of the tool's pages, and the content host serves
 * none of them. The package's files, opened on their own, carry the content sandbox of
 * cmi5-content-router.ts, and answer CORS to any origin without credentials.
 */
export function createH5pContentRouter(deps: { db: Db; render: RenderView }): Router {
  const { db, render } = deps;
  const router = express.Router();

  router.get('/content/h5p/:packageId/player', async (req, res) => {
    const packageId = req.params.packageId;
    const stored = isUuid(packageId) ? await findH5pPackage(db, packageId.toLowerCase()) : null;
    if (!stored) throw new NotFoundError('No such H5P content.');
    const html = render(res, 'h5p-player', {
      title: stored.title,
      filesPath: `/content/h5p/${stored.id}/files`,
    });
    res
      .set({ 'Content-Security-Policy': PLAYER_POLICY, 'Cache-Control': 'no-store' })
      .type('html')
      .send(html);
  });

  router.get('/content/h5p/:packageId/files/*path', async (req, res) => {
    const packageId = req.params.packageId;
    const filePath = (req.params as { path?: string[] }).path?.join('/') ?? '';
    if (!isUuid(packageId) || !isSafePath(filePath)) throw new NotFoundError('No such H5P file.');
    const body = await findH5pPackageFile(db, packageId.toLowerCase(), filePath);
    if (!body) throw new NotFoundError('No such H5P file.');
    sandboxed(res)
      .set({ 'Content-Type': contentTypeOf(filePath), 'Cache-Control': 'private, max-age=3600' })
      .send(body);
  });

  router.use(
    '/content/h5p-player',
    express.static(PLAYER_ASSETS, {
      fallthrough: false,
      maxAge: '1h',
      setHeaders: (res) => {
        res.set({
          'Content-Security-Policy': CONTENT_POLICY,
          'Access-Control-Allow-Origin': '*',
          'Cross-Origin-Resource-Policy': 'cross-origin',
        });
      },
    }),
  );
  return router;
}

/**
 * The player page runs on the content host, an origin of its own (http/content-host.ts); it is
 * not sandboxed because h5p-standalone plays the content in a frame of the page's own origin.
 */
const PLAYER_POLICY = "object-src 'none'; base-uri 'self'";

function sandboxed(res: Response): Response {
  return res.set({
    'Content-Security-Policy': CONTENT_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Access-Control-Allow-Origin': '*',
    'Cross-Origin-Resource-Policy': 'cross-origin',
  });
}
