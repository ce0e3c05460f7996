import express, { type Router } from 'express';
import type { EndorsementCheckDeps } from '../badges/endorsements/check-received-endorsement.js';
import { findIssuedEndorsement } from '../badges/endorsements/issued-endorsements.js';
import {
  attachReceivedEndorsement,
  isAchievementOfCourse,
  MAX_ENDORSEMENT_BYTES,
} from '../badges/endorsements/received-endorsements.js';
import type { Db } from '../db/database.js';
import { NotFoundError } from '../errors.js';
import { awardingBodyOfCourse } from '../lti/platform-registry.js';
import { isUuid } from '../shared/uuid.js';
import { requireSession, requireTeacher, sessionOf } from './http/session-auth.js';

/**
 * Endorsements (docs/endorsements.md).
 * - `GET /endorsements/:id` (and `.json`, `.jwt`): an EndorsementCredential one of our awarding
 *   bodies issued, signed, for anyone (it is public by nature); revoked ones stay published,
 *   their status list says they are revoked.
 * - `POST /api/course/achievements/:id/endorsements` with an EndorsementCredential as the JSON
 *   body: a teacher of the course attaches a received endorsement to the course's achievement,
 *   after every check (badges/endorsements/check-received-endorsement.ts).
 */
export function createEndorsementRouter(deps: {
  db: Db;
  endorsementChecks: () => EndorsementCheckDeps;
}): Router {
  const { db } = deps;
  const router = express.Router();

  router.get('/endorsements/:id', async (req, res) => {
    const match = /^([0-9a-f-]{36})(?:\.(json|jwt))?$/i.exec(String(req.params.id));
    const id = match?.[1]?.toLowerCase() ?? '';
    const endorsement = isUuid(id) ? await findIssuedEndorsement(db, id) : undefined;
    if (!endorsement)
      throw new NotFoundError(`No endorsement with id ${req.params.id} was issued here.`);
    res.set('Access-Control-Allow-Origin', '*');
    if (match?.[2] === 'jwt') {
      res
        .attachment(`endorsement-${id.slice(0, 8)}.jwt`)
        .type('application/jwt')
        .send(endorsement.jwt);
      return;
    }
    if (match?.[2] === 'json') res.attachment(`endorsement-${id.slice(0, 8)}.json`);
    res.type('application/vc+ld+json').send(JSON.stringify(endorsement.credential));
  });

  router.post(
    '/api/course/achievements/:id/endorsements',
    requireSession(db),
    requireTeacher,
    express.json({
      limit: MAX_ENDORSEMENT_BYTES,
      type: ['application/json', 'application/*+json'],
    }),
    async (req, res) => {
      const { userId, courseId } = sessionOf(res);
      const achievementId = String(req.params.id);
      if (!isUuid(achievementId) || !(await isAchievementOfCourse(db, achievementId, courseId))) {
        throw new NotFoundError(`This course has no achievement ${achievementId}.`);
      }
      const endorsement = await attachReceivedEndorsement({
        db,
        document: req.body,
        target: { issuerProfileId: await awardingBodyOfCourse(db, courseId), achievementId },
        attachedBy: `user:${userId}`,
        deps: deps.endorsementChecks(),
      });
      res.status(201).json({ endorsement });
    },
  );

  return router;
}
