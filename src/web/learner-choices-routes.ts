import express, { type RequestHandler, type Router } from 'express';
import { setEmailNotices } from '../awards/award-notice.js';
import { setCredentialVisibility } from '../awards/credential-visibility.js';
import type { Db } from '../db/database.js';
import { BadRequestError } from '../errors.js';
import { requireSession, sessionOf } from './http/session-auth.js';

/**
 * A learner's choices on their page, forms with a CSRF token that lead back to it:
 * - `POST /course/credentials/:id/visibility` with `visibility` = `public` (anyone with the
 *   link) or `hidden` (the learner and the course's teachers only); only the credential's own
 *   learner may choose (403 CREDENTIAL_NOT_YOURS for anyone else, teachers included);
 * - `POST /course/notices` with `email` = `on` or absent: an email when a credential of theirs is
 *   awarded or revoked.
 */
export function createLearnerChoicesRouter(deps: {
  db: Db;
  requireCsrfToken: RequestHandler;
}): Router {
  const { db, requireCsrfToken } = deps;
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '4kb' });
  const session = requireSession(db);

  router.post(
    '/course/credentials/:id/visibility',
    session,
    form,
    requireCsrfToken,
    async (req, res) => {
      const awardId = String(req.params.id).toLowerCase();
      const visibility = (req.body as Record<string, unknown> | undefined)?.visibility;
      if (visibility !== 'public' && visibility !== 'hidden') {
        throw new BadRequestError('Choose who sees the credential: "public" or "hidden".');
      }
      await setCredentialVisibility(db, {
        awardId,
        userId: sessionOf(res).userId,
        isPublic: visibility === 'public',
      });
      res.redirect(303, `/course#credential-${awardId}`);
    },
  );

  router.post('/course/notices', session, form, requireCsrfToken, async (req, res) => {
    const email = (req.body as Record<string, unknown> | undefined)?.email;
    await setEmailNotices(db, sessionOf(res).userId, email === 'on');
    res.redirect(303, '/course#notices');
  });

  return router;
}
