import { createHmac, timingSafeEqual } from 'node:crypto';
import { parse as parseCookies } from 'cookie';
import type { Request, RequestHandler } from 'express';
import { ForbiddenError } from '../../errors.js';
import { SESSION_COOKIE } from './session-auth.js';

/** The hidden field every form that changes something carries (see views/partials/csrf.eta). */
export const CSRF_FIELD = '_csrf';

export class CsrfTokenInvalidError extends ForbiddenError {
  override readonly code = 'CSRF_TOKEN_INVALID';
}

/**
 * Form tokens bound to the launch session: the HMAC of the session cookie under the tool's
 * secret, so a page of another site cannot post a form in the name of a teacher whose
 * `SameSite=None` session cookie the browser would send along. JSON APIs need no token:
 * browsers do not send a cross-site `application/json` body without a CORS preflight, which
 * the tool never grants. `sessionCookie` names another session's cookie (the admin pages').
 */
export function createCsrfProtection(secret: string, sessionCookie: string = SESSION_COOKIE) {
  const tokenOf = (req: Request): string | null => {
    const session = parseCookies(req.headers.cookie ?? '')[sessionCookie];
    return session
      ? createHmac('sha256', secret).update(`csrf:${session}`).digest('base64url')
      : null;
  };

  /** Refuses a form post without the right token; mount after the body parser. */
  const requireToken: RequestHandler = (req, _res, next) => {
    const expected = tokenOf(req);
    const sent = (req.body as Record<string, unknown> | undefined)?.[CSRF_FIELD];
    if (
      !expected ||
      typeof sent !== 'string' ||
      sent.length !== expected.length ||
      !timingSafeEqual(Buffer.from(sent), Buffer.from(expected))
    ) {
      throw new CsrfTokenInvalidError(
        'This form has expired or did not come from microcred. Reload the page and send it again.',
      );
    }
    next();
  };

  return { tokenOf, requireToken };
}
