import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { parse as parseCookies } from 'cookie';
import type { CookieOptions, Request, RequestHandler, Response } from 'express';
import { NotFoundError, UnauthorizedError } from '../../errors.js';

export const ADMIN_SESSION_COOKIE = 'mc_admin';
export const ADMIN_SESSION_LIFETIME_SECONDS = 4 * 3600;
/** How long the link that takes an LMS administrator from the LMS frame to the pages works. */
export const LMS_SIGN_IN_TICKET_SECONDS = 120;

/**
 * What a signed-in administrator may see and change: the whole tool (signed in with the admin
 * token), or what belongs to one awarding body — its LMS platforms, their external LRSs and
 * xAPI credentials, the body itself (an administrator of a registered LMS, from a launch).
 */
export type AdminScope =
  { readonly kind: 'tool' } | { readonly kind: 'awardingBody'; readonly issuerProfileId: string };

export const WHOLE_TOOL: AdminScope = { kind: 'tool' };

/** The signed-in administrator's scope; only behind requireAdmin. */
export function adminScopeOf(res: Response): AdminScope {
  return res.locals.adminScope as AdminScope;
}
/** Where the admin pages live; the session cookie is sent nowhere else. */
export const ADMIN_PATH = '/admin';

/**
 * The administrator's browser session for the admin pages, opened by signing in with
 * MICROCRED_ADMIN_TOKEN (the whole tool) or by an LMS administrator's sign-in ticket (one
 * awarding body). The cookie is `expiry.nonce.scope.mac`: a MAC under the tool secret over
 * the expiry, a random nonce, the scope and a digest of the admin token, so nothing is stored,
 * a cookie cannot be forged, extended or widened, and changing the admin token ends every
 * session at once. A ticket is `expiry.nonce.body.mac` under another label, good for
 * LMS_SIGN_IN_TICKET_SECONDS.
 * `SameSite=Strict` and the `/admin` path keep it out of the LMS frames and every other page.
 */
export function createAdminSessions({
  secret,
  adminToken,
  publicUrl,
}: {
  secret: string;
  /** Undefined turns the admin pages off. */
  adminToken: string | undefined;
  publicUrl: string;
}) {
  const tokenDigest = adminToken ? sha256(adminToken) : null;
  const cookieOptions: CookieOptions = {
    httpOnly: true,
    path: ADMIN_PATH,
    sameSite: 'strict',
    secure: publicUrl.startsWith('https:'),
  };
  const macOf = (label: string, expiresAtSeconds: string, nonce: string, scope: string) =>
    createHmac('sha256', secret)
      .update(`${label}:${expiresAtSeconds}.${nonce}.${scope}.`)
      .update(tokenDigest ?? Buffer.alloc(0))
      .digest('base64url');

  const sign = (label: string, lifetimeSeconds: number, scope: string, now: Date) => {
    const expiresAtSeconds = String(Math.floor(now.getTime() / 1000) + lifetimeSeconds);
    const nonce = randomBytes(16).toString('base64url');
    return `${expiresAtSeconds}.${nonce}.${scope}.${macOf(label, expiresAtSeconds, nonce, scope)}`;
  };

  /** The scope a signed value carries, or null when it is forged, changed or expired. */
  const verify = (label: string, value: string, now: Date): string | null => {
    const [expiresAtSeconds, nonce, scope, mac, ...rest] = value.split('.');
    if (!tokenDigest || !expiresAtSeconds || !nonce || !scope || !mac || rest.length > 0) {
      return null;
    }
    const expected = Buffer.from(macOf(label, expiresAtSeconds, nonce, scope));
    const presented = Buffer.from(mac);
    const isValid =
      presented.length === expected.length &&
      timingSafeEqual(presented, expected) &&
      Number(expiresAtSeconds) * 1000 > now.getTime();
    return isValid ? scope : null;
  };

  const isOn = () => tokenDigest !== null;

  /** Whether the presented token is the admin token, compared in constant time. */
  const isAdminToken = (presented: string): boolean =>
    tokenDigest !== null && timingSafeEqual(sha256(presented), tokenDigest);

  const open = (res: Response, scope: AdminScope = WHOLE_TOOL, now: Date = new Date()): void => {
    res.cookie(
      ADMIN_SESSION_COOKIE,
      sign('admin-session', ADMIN_SESSION_LIFETIME_SECONDS, encodeScope(scope), now),
      { ...cookieOptions, maxAge: ADMIN_SESSION_LIFETIME_SECONDS * 1000 },
    );
  };

  /** A sign-in ticket for an administrator of an LMS whose awarding body is `issuerProfileId`. */
  const lmsSignInTicket = (issuerProfileId: string, now: Date = new Date()): string =>
    sign(
      'admin-lms-ticket',
      LMS_SIGN_IN_TICKET_SECONDS,
      encodeScope({ kind: 'awardingBody', issuerProfileId }),
      now,
    );

  /** The scope a ticket grants, or null for a forged, changed or expired one. */
  const readLmsSignInTicket = (ticket: string, now: Date = new Date()): AdminScope | null => {
    const scope = verify('admin-lms-ticket', ticket, now);
    return scope === null ? null : decodeScope(scope);
  };

  const close = (res: Response): void => {
    res.clearCookie(ADMIN_SESSION_COOKIE, cookieOptions);
  };

  const scopeOf = (req: Request, now: Date = new Date()): AdminScope | null => {
    const value = parseCookies(req.headers.cookie ?? '')[ADMIN_SESSION_COOKIE] ?? '';
    const scope = verify('admin-session', value, now);
    return scope === null ? null : decodeScope(scope);
  };

  /** 404 while the admin token is unset, as for the admin JSON API. */
  const requireAdminPagesOn: RequestHandler = (_req, _res, next) => {
    if (!isOn()) {
      throw new NotFoundError(
        'The admin pages are off. Set MICROCRED_ADMIN_TOKEN to turn them on.',
      );
    }
    next();
  };

  /**
   * Lets a signed-in administrator through, with their scope in `res.locals.adminScope`
   * (adminScopeOf); sends anyone else to the sign-in page.
   */
  const requireAdmin: RequestHandler = (req, res, next) => {
    const scope = scopeOf(req);
    if (scope) {
      res.locals.adminScope = scope;
      next();
      return;
    }
    if (req.method === 'GET' || req.method === 'HEAD') {
      res.redirect(303, `${ADMIN_PATH}/sign-in?next=${encodeURIComponent(req.originalUrl)}`);
      return;
    }
    throw new AdminSessionRequiredError(
      'Sign in to the admin pages with the admin token first; your admin session may have ended.',
    );
  };

  return {
    isOn,
    isAdminToken,
    open,
    close,
    lmsSignInTicket,
    readLmsSignInTicket,
    requireAdminPagesOn,
    requireAdmin,
  };
}

function encodeScope(scope: AdminScope): string {
  return scope.kind === 'tool'
    ? 'tool'
    : `body-${Buffer.from(scope.issuerProfileId).toString('base64url')}`;
}

function decodeScope(scope: string): AdminScope | null {
  if (scope === 'tool') return WHOLE_TOOL;
  if (!scope.startsWith('body-')) return null;
  const issuerProfileId = Buffer.from(scope.slice('body-'.length), 'base64url').toString();
  return issuerProfileId ? { kind: 'awardingBody', issuerProfileId } : null;
}

export class AdminSessionRequiredError extends UnauthorizedError {
  override readonly code = 'ADMIN_SESSION_REQUIRED';
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
