import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { parse as parseCookies } from 'cookie';
import type { CookieOptions, Request, RequestHandler, Response } from 'express';
import { NotFoundError, UnauthorizedError } from '../../errors.js';

export const ADMIN_SESSION_COOKIE = 'mc_admin';
export const ADMIN_SESSION_LIFETIME_SECONDS = 4 * 3600;
/** Where the admin pages live; the session cookie is sent nowhere else. */
export const ADMIN_PATH = '/admin';

/**
 * The administrator's browser session for the admin pages, opened by signing in with
 * MICROCRED_ADMIN_TOKEN. The cookie is `expiry.nonce.mac`: a MAC under the tool secret over
 * the expiry, a random nonce and a digest of the admin token, so nothing is stored, a cookie
 * cannot be forged or extended, and changing the admin token ends every session at once.
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
  const macOf = (expiresAtSeconds: string, nonce: string) =>
    createHmac('sha256', secret)
      .update(`admin-session:${expiresAtSeconds}.${nonce}.`)
      .update(tokenDigest ?? Buffer.alloc(0))
      .digest('base64url');

  const isOn = () => tokenDigest !== null;

  /** Whether the presented token is the admin token, compared in constant time. */
  const isAdminToken = (presented: string): boolean =>
    tokenDigest !== null && timingSafeEqual(sha256(presented), tokenDigest);

  const open = (res: Response, now: Date = new Date()): void => {
    const expiresAtSeconds = String(
      Math.floor(now.getTime() / 1000) + ADMIN_SESSION_LIFETIME_SECONDS,
    );
    const nonce = randomBytes(16).toString('base64url');
    res.cookie(
      ADMIN_SESSION_COOKIE,
      `${expiresAtSeconds}.${nonce}.${macOf(expiresAtSeconds, nonce)}`,
      {
        ...cookieOptions,
        maxAge: ADMIN_SESSION_LIFETIME_SECONDS * 1000,
      },
    );
  };

  const close = (res: Response): void => {
    res.clearCookie(ADMIN_SESSION_COOKIE, cookieOptions);
  };

  const isSignedIn = (req: Request, now: Date = new Date()): boolean => {
    if (!tokenDigest) return false;
    const value = parseCookies(req.headers.cookie ?? '')[ADMIN_SESSION_COOKIE] ?? '';
    const [expiresAtSeconds, nonce, mac, ...rest] = value.split('.');
    if (!expiresAtSeconds || !nonce || !mac || rest.length > 0) return false;
    const expected = Buffer.from(macOf(expiresAtSeconds, nonce));
    const presented = Buffer.from(mac);
    return (
      presented.length === expected.length &&
      timingSafeEqual(presented, expected) &&
      Number(expiresAtSeconds) * 1000 > now.getTime()
    );
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

  /** Lets a signed-in administrator through; sends anyone else to the sign-in page. */
  const requireAdmin: RequestHandler = (req, res, next) => {
    if (isSignedIn(req)) {
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

  return { isAdminToken, open, close, requireAdminPagesOn, requireAdmin };
}

export class AdminSessionRequiredError extends UnauthorizedError {
  override readonly code = 'ADMIN_SESSION_REQUIRED';
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
