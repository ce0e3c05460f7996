import { parse as parseCookies } from 'cookie';
import type { Request, Response } from 'express';
import { findCredentialAudience } from '../awards/credential-visibility.js';
import type { Db } from '../db/database.js';
import { NotFoundError } from '../errors.js';
import { findSession } from '../lti/sessions.js';
import { SESSION_COOKIE } from './http/session-auth.js';

/** Lets a request through to a credential's public documents, or answers 404. */
export type CredentialAccess = (req: Request, res: Response, awardId: string) => Promise<void>;

/**
 * The gate of every public document of a credential (page, JSON, JWT, images, ELM): a public
 * credential is shown to anyone with its link, a hidden one only to the session of its learner or
 * of a teacher of the course that awarded it.
 * Everyone else gets the 404 of an unknown credential, so a hidden credential's existence is not
 * told either. Public documents are kept out of search engines: the link is for those the
 * learner shares it with.
 */
export function createCredentialAccess(db: Db): CredentialAccess {
  return async (req, res, awardId) => {
    const audience = await findCredentialAudience(db, awardId);
    res.set('X-Robots-Tag', 'noindex');
    if (audience?.isPublic) return;
    const token = parseCookies(req.headers.cookie ?? '')[SESSION_COOKIE];
    const session = audience && token ? await findSession(db, token) : null;
    const isHolder = session !== null && session.userId === audience?.holderUserId;
    const isTeacher = session?.role === 'teacher' && session.courseId === audience?.courseId;
    if (!audience || !(isHolder || isTeacher)) {
      throw new NotFoundError(`No credential with id ${awardId} was issued here.`);
    }
    res.set('Cache-Control', 'private, no-store');
  };
}
