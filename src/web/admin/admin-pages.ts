import express, { type Response, type Router } from 'express';
import type { Db } from '../../db/database.js';
import { createCsrfProtection } from '../http/csrf.js';
import type { RenderView } from '../views.js';
import type { AdminPageKit } from './admin-page-kit.js';
import { ADMIN_PATH, ADMIN_SESSION_COOKIE, createAdminSessions } from './admin-session.js';
import { createAwardingBodyPages } from './awarding-body-pages.js';
import { createExternalLrsPages } from './external-lrs-pages.js';
import { createPlatformPages } from './platform-pages.js';
import { createXapiCredentialPages } from './xapi-credential-pages.js';

/** Where the admin pages open: the first tab. */
const FIRST_PAGE = `${ADMIN_PATH}/platforms`;
const STATUS_MESSAGES = ['signedOut'] as const;

/**
 * The administrator's pages, under `/admin` (off, 404, while MICROCRED_ADMIN_TOKEN is unset):
 * `GET|POST /admin/sign-in` opens an admin session with the admin token (admin-session.ts),
 * `POST /admin/sign-out` ends it; then one router per tab (admin-nav.ts): LMS platforms and
 * registration invitations, awarding bodies, external LRSs, xAPI credentials. Every form that
 * changes something carries a token bound to the admin session (csrf.ts).
 */
export function createAdminPages(deps: {
  db: Db;
  publicUrl: string;
  secret: string;
  adminToken: string | undefined;
  render: RenderView;
}): Router {
  const { db, publicUrl, render } = deps;
  const sessions = createAdminSessions(deps);
  const csrf = createCsrfProtection(deps.secret, ADMIN_SESSION_COOKIE);
  const form = express.urlencoded({ extended: false, limit: '4kb' });
  const admin = [sessions.requireAdmin];
  const changes = [sessions.requireAdmin, form, csrf.requireToken];
  const router = express.Router();
  router.use(ADMIN_PATH, sessions.requireAdminPagesOn, (_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });

  const renderSignIn = (res: Response, options: { next: string; isWrongToken: boolean }) =>
    render(res, 'admin/sign-in', { ...options, status: statusOf(res) });

  router.get(`${ADMIN_PATH}`, ...admin, (_req, res) => {
    res.redirect(303, FIRST_PAGE);
  });

  router.get(`${ADMIN_PATH}/sign-in`, (req, res) => {
    res.send(renderSignIn(res, { next: safeNext(req.query.next), isWrongToken: false }));
  });

  router.post(`${ADMIN_PATH}/sign-in`, form, (req, res) => {
    const body = req.body as Record<string, unknown>;
    const next = safeNext(body.next);
    if (typeof body.token !== 'string' || !sessions.isAdminToken(body.token)) {
      res.status(401).send(renderSignIn(res, { next, isWrongToken: true }));
      return;
    }
    sessions.open(res);
    res.redirect(303, next);
  });

  router.post(`${ADMIN_PATH}/sign-out`, ...changes, (_req, res) => {
    sessions.close(res);
    res.redirect(303, `${ADMIN_PATH}/sign-in?status=signedOut`);
  });

  const kit: AdminPageKit = {
    db,
    publicUrl,
    secret: deps.secret,
    render,
    admin,
    changes,
    requireFormToken: csrf.requireToken,
    csrfTokenOf: (res) => csrf.tokenOf(res.req),
  };
  router.use(createPlatformPages(kit));
  router.use(createAwardingBodyPages(kit));
  router.use(createExternalLrsPages(kit));
  router.use(createXapiCredentialPages(kit));

  return router;
}

function statusOf(res: Response) {
  const status = res.req.query.status;
  return STATUS_MESSAGES.find((known) => known === status) ?? null;
}

/** Where to go after signing in: an admin page of this tool, never another site. */
function safeNext(value: unknown): string {
  return typeof value === 'string' && /^\/admin(\/[\w\-/?=&%.]*)?$/.test(value)
    ? value
    : FIRST_PAGE;
}
