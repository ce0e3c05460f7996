import express, { type ErrorRequestHandler, type RequestHandler, type Router } from 'express';
import { NotFoundError, UnauthorizedError } from '../../errors.js';
import { jsonErrorHandler } from '../http/json-error-handler.js';
import { alternateRequestSyntax } from './alternate-request-syntax.js';
import { setConsistentThrough } from './consistent-through-header.js';
import { fetchLaunchToken, XapiLaunchFetchError } from '../../xapi/content-launch.js';
import { createDocumentRouter } from './document-router.js';
import { observeRefusals } from './observe-refusals.js';
import { createStatementReadRouter } from './statement-read-router.js';
import {
  BODY_LIMIT,
  createStatementWriteRouter,
  type LrsRouterDeps,
} from './statement-write-router.js';
import { about, requireVersionHeader, setVersionHeader } from './version-headers.js';
import { requireClient } from './xapi-client.js';

const AUTHENTICATE_CHALLENGE = 'Basic realm="microcred xAPI"';

/**
 * The LRS's HTTP surface, to mount at `/xapi`: the Statement Resource (POST, PUT, GET, HEAD),
 * the document, Agents, Activities and About Resources of xAPI 2.0 Communication section 2, and
 * the cmi5-style fetch URL of content launches, with HTTP Basic authentication against
 * `xapi_credentials` or a launch token (section 4). Self-contained: it answers its own errors
 * as `{ error: { code, message } }` with the status xAPI names (400 invalid, 401 with a Basic
 * challenge, 403, 404, 409 conflict, 412, 413 too large), so it behaves the same mounted alone.
 *
 * Statements sent with platform-bound credentials are stored with source `platform` and their
 * actors resolved to that platform's users; launch tokens store source `content` within
 * their launch's scope only (launch-scope.ts); other credentials store source `content`, the least
 * trusted (ARCHITECTURE.md, Trust). `onStatementsStored` runs inside the storing transaction
 * (see statement-store.ts); when it says it queued work, `onWorkQueued` is called after the
 * commit, so that work starts at once. Refused requests are logged and counted on their
 * credential (observe-refusals.ts).
 */
export function createLrsRouter({
  db,
  publicUrl,
  logger,
  onStatementsStored,
  onWorkQueued,
}: LrsRouterDeps): Router {
  const router = express.Router();
  // cmi5.js requests `<endpoint>/activities/state`: with the endpoint's own trailing slash that
  // is `/xapi//activities/state`, which must reach the same resource.
  router.use((req, _res, next) => {
    if (req.url.startsWith('//')) req.url = req.url.replace(/^\/+/, '/');
    next();
  });

  const fetchToken: RequestHandler = async (req, res) => {
    const fetchCode = String(req.params.fetchCode);
    try {
      const { authToken } = await fetchLaunchToken({ db, fetchCode });
      res.json({ 'auth-token': authToken });
    } catch (error) {
      // cmi5 sections 8.2.2, 8.2.3: an error is a JSON answer with a code and text, status 200.
      if (!(error instanceof XapiLaunchFetchError)) throw error;
      res.status(200).json({ 'error-code': '1', 'error-text': error.message });
    }
  };

  router.use(allowCrossOrigin);
  const parseForm = express.urlencoded({ extended: false, limit: BODY_LIMIT });
  router.use((req, res, next) => {
    const query = req.query as Record<string, unknown>;
    if (req.method !== 'POST' || query.method === undefined) {
      next();
      return;
    }
    parseForm(req, res, next);
  }, alternateRequestSyntax);
  router.use(setVersionHeader);
  router.get('/about', about);
  router.post('/launch/fetch/:fetchCode', fetchToken);
  router.use('/statements', setConsistentThrough(db));
  router.use(requireVersionHeader);
  router.use(requireClient(db));
  router.use(
    createStatementWriteRouter({ db, publicUrl, logger, onStatementsStored, onWorkQueued }),
  );
  router.use(createStatementReadRouter({ db }));
  router.use(createDocumentRouter({ db }));
  router.use(notFound);
  router.use(challengeUnauthorized, observeRefusals({ db, logger }), jsonErrorHandler(logger));
  return router;
}

/**
 * Content launched from another origin calls the LRS from the learner's browser (cmi5 section
 * 8.1), so the LRS allows any origin. It is safe: callers authenticate with an explicit
 * Authorization header, never with cookies, so no credentials mode is allowed.
 */
const allowCrossOrigin: RequestHandler = (req, res, next) => {
  res.set('Access-Control-Allow-Origin', '*');
  res.set(
    'Access-Control-Expose-Headers',
    'ETag, Last-Modified, X-Experience-API-Version, X-Experience-API-Consistent-Through',
  );
  if (req.method === 'OPTIONS') {
    res.set('Access-Control-Allow-Methods', 'GET, HEAD, PUT, POST, DELETE');
    res.set(
      'Access-Control-Allow-Headers',
      'Authorization, Content-Type, X-Experience-API-Version, If-Match, If-None-Match',
    );
    res.set('Access-Control-Max-Age', '600');
    res.status(204).end();
    return;
  }
  next();
};

const notFound: RequestHandler = (req) => {
  throw new NotFoundError(`This LRS has no ${req.method} ${req.baseUrl}${req.path}`);
};

/** RFC 7235: a 401 names the scheme the client should use. */
const challengeUnauthorized: ErrorRequestHandler = (error, _req, res, next) => {
  if (error instanceof UnauthorizedError) res.set('WWW-Authenticate', AUTHENTICATE_CHALLENGE);
  next(error);
};
