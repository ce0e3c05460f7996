import express, { type Router } from 'express';
import type { Logger } from '../config/logger.js';
import type { Db } from '../db/database.js';
import { claimStatementsOfRoster } from '../awards/claim-pending-statements.js';
import { BadRequestError } from '../errors.js';
import type { PlatformServices } from '../lti/platform-services.js';
import { loadCourseRoster, type CourseRoster } from '../lti/nrps/course-roster.js';
import { courseRoleFromLtiRoles } from '../lti/roles.js';
import { requireSession, requireTeacher, sessionOf } from './http/session-auth.js';

/**
 * The teacher's view of the course roster (LTI Names and Role Provisioning Services 2.0):
 * `GET /api/roster` answers the cached roster while it is young, else the platform's; with
 * `?refresh=1` it always asks the platform. 409 NRPS_NOT_GRANTED when the platform gave the
 * course no membership service, 502 NRPS_PLATFORM_ERROR when the platform fails. Members of a
 * fresh roster whom waiting LMS statements name get them (awards/claim-pending-statements.ts).
 */
export function createRosterRouter(deps: {
  db: Db;
  platformServices: PlatformServices;
  logger: Logger;
  kickOutbox: () => void;
}): Router {
  const { db, logger } = deps;
  const router = express.Router();

  router.get('/api/roster', requireSession(db), requireTeacher, async (req, res) => {
    const roster = await loadCourseRoster(
      { db, services: deps.platformServices },
      sessionOf(res).courseId,
      {
        refresh: readRefresh(req.query.refresh),
      },
    );
    if (roster.isFresh) {
      logger.info('lti', 'roster fetched', {
        courseId: roster.courseId,
        members: roster.members.length,
      });
      if (await claimStatementsOfRoster(db, roster)) deps.kickOutbox();
    }
    res.set('cache-control', 'no-store').json(presentRoster(roster));
  });
  return router;
}

function readRefresh(value: unknown): boolean {
  if (value === undefined || value === '0' || value === 'false') return false;
  if (value === '1' || value === 'true' || value === '') return true;
  throw new BadRequestError('refresh must be 1 or 0.');
}

function presentRoster(roster: CourseRoster) {
  return {
    fetchedAt: roster.fetchedAt.toISOString(),
    members: roster.members.map((member) => ({
      userId: member.userId,
      name: member.name,
      email: member.email,
      status: member.status,
      role: courseRoleFromLtiRoles(member.roles),
      roles: member.roles,
    })),
  };
}
