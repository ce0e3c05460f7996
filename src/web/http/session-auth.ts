import { parse as parseCookies } from 'cookie';
import type { CookieOptions, RequestHandler, Response } from 'express';
import type { Db } from '../../db/database.js';
import { ForbiddenError, SessionRequiredError } from '../../errors.js';
import { findSession, SESSION_LIFETIME_SECONDS, type Session } from '../../lti/sessions.js';

export const SESSION_COOKIE = 'mc_session';

/**
 * Cookie options for the session cookie: inside an LMS iframe the tool is a third party, so
 * over HTTPS the cookie is `Secure; SameSite=None; Partitioned` (CHIPS); plain-HTTP development
 * hosts get `SameSite=Lax`, which works when the LMS runs on the same site.
 */
export function sessionCookieOptions(publicUrl: string): CookieOptions {
  const isHttps = publicUrl.startsWith('https:');
  return {
    httpOnly: true,
    path: '/',
    maxAge: SESSION_LIFETIME_SECONDS * 1000,
    ...(isHttps ? { secure: true, sameSite: 'none', partitioned: true } : { sameSite: 'lax' }),
  };
}

/** Attaches the launch session to `res.locals.session`, or fails with 401 SESSION_REQUIRED. */
export function requireSession(db: Db): RequestHandler {
  return async (req, res, next) => {
    const token = parseCookies(req.headers.cookie ?? '')[SESSION_COOKIE];
    const session = token ? await findSession(db, token) : null;
    if (!session) {
      throw new SessionRequiredError(
        'Open microcred from your LMS course first: this page needs the session that a launch opens.',
      );
    }
    res.locals.session = session;
    next();
  };
}

/** Lets only teachers of the session's course through. */
export const requireTeacher: RequestHandler = (_req, res, next) => {
  if (sessionOf(res).role !== 'teacher') {
    throw new ForbiddenError('Only teachers of this course may do this.');
  }
  next();
};

export function sessionOf(res: Response): Session {
  return res.locals.session as Session;
}
