import express, { type Response, type Router } from 'express';
import type { EndorsementCheckDeps } from '../../badges/endorsements/check-received-endorsement.js';
import type { Db } from '../../db/database.js';
import { ForbiddenError, NotFoundError } from '../../errors.js';
import { awardingBodyOfCourse } from '../../lti/platform-registry.js';
import type { ToolKeyring } from '../../lti/tool-key.js';
import { createCsrfProtection } from '../http/csrf.js';
import { requireSession, sessionOf } from '../http/session-auth.js';
import type { RenderView } from '../views.js';
import type { AdminPageKit } from './admin-page-kit.js';
import {
  ADMIN_PATH,
  ADMIN_SESSION_COOKIE,
  createAdminSessions,
  LMS_SIGN_IN_TICKET_SECONDS,
} from './admin-session.js';
import { createAwardingBodyPages } from './awarding-body-pages.js';
import { createEndorsementPages } from './endorsement-pages.js';
import { createExternalLrsPages } from './external-lrs-pages.js';
import { createPartnerPages } from './partner-pages.js';
import { createPlatformPages } from './platform-pages.js';
import { createXapiCredentialPages } from './xapi-credential-pages.js';

/**
 * Where an LMS administrator, launched into a course, gets the link that opens the admin pages
 * of the LMS's awarding body in a window of their own (the LMS frame keeps the launch session
 * to itself, and the admin session cookie is for top-level windows only).
 */
export const LMS_HAND_OFF_PATH = '/course/admin-pages';

/** Where the admin pages open: the first tab. */
const FIRST_PAGE = `${ADMIN_PATH}/platforms`;
const STATUS_MESSAGES = ['signedOut'] as const;

/**
 * The administrator's pages, under `/admin` (off, 404, while MICROCRED_ADMIN_TOKEN is unset):
 * `GET|POST /admin/sign-in` opens an admin session with the admin token (admin-session.ts),
 * `GET /course/admin-pages` gives an LMS administrator launched into a course a short-lived
 * link, `GET /admin/lms-sign-in?ticket=`, that opens a session for the LMS's awarding body
 * only; `POST /admin/sign-out` ends a session; then one router per tab (admin-nav.ts): LMS platforms and
 * registration invitations, awarding bodies, partner issuers, endorsements, external LRSs, xAPI credentials. Every form that
 * changes something carries a token bound to the admin session (csrf.ts).
 */
export function createAdminPages(deps: {
  db: Db;
  publicUrl: string;
  secret: string;
  adminToken: string | undefined;
  render: RenderView;
  keyring: ToolKeyring;
  endorsementChecks: () => EndorsementCheckDeps;
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

  const renderSignIn = (
    res: Response,
    options: { next: string; isWrongToken: boolean; isTicketInvalid?: boolean },
  ) => render(res, 'admin/sign-in', { isTicketInvalid: false, ...options, status: statusOf(res) });

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

  router.get(LMS_HAND_OFF_PATH, requireSession(db), async (_req, res) => {
    const session = sessionOf(res);
    if (!session.isLmsAdministrator) {
      throw new ForbiddenError(
        'Only an administrator of the LMS may open its admin pages from a launch.',
      );
    }
    if (!sessions.isOn()) {
      throw new NotFoundError(
        'The admin pages are off. Set MICROCRED_ADMIN_TOKEN to turn them on.',
      );
    }
    const issuerProfileId = await awardingBodyOfCourse(db, session.courseId);
    const ticket = sessions.lmsSignInTicket(issuerProfileId);
    res.set('Cache-Control', 'no-store');
    res.send(
      render(res, 'admin/lms-hand-off', {
        href: `${ADMIN_PATH}/lms-sign-in?${new URLSearchParams({ ticket })}`,
        minutes: LMS_SIGN_IN_TICKET_SECONDS / 60,
      }),
    );
  });

  router.get(`${ADMIN_PATH}/lms-sign-in`, (req, res) => {
    const ticket = typeof req.query.ticket === 'string' ? req.query.ticket : '';
    const scope = sessions.readLmsSignInTicket(ticket);
    if (!scope) {
      res
        .status(401)
        .send(renderSignIn(res, { next: FIRST_PAGE, isWrongToken: false, isTicketInvalid: true }));
      return;
    }
    sessions.open(res, scope);
    res.redirect(303, FIRST_PAGE);
  });

  router.post(`${ADMIN_PATH}/sign-out`, ...changes, (_req, res) => {
    sessions.close(res);
    res.redirect(303, `${ADMIN_PATH}/sign-in?status=signedOut`);
  });

  const kit: AdminPageKit = {
    db,
    publicUrl,
    secret: deps.secret,
    keyring: deps.keyring,
    render,
    admin,
    changes,
    requireFormToken: csrf.requireToken,
    csrfTokenOf: (res) => csrf.tokenOf(res.req),
    endorsementChecks: deps.endorsementChecks,
  };
  router.use(createPlatformPages(kit));
  router.use(createAwardingBodyPages(kit));
  router.use(createPartnerPages(kit));
  router.use(createEndorsementPages(kit));
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
