import { claimStatementsOfRoster } from '../awards/claim-pending-statements.js';
import type { RosterLearner } from '../awards/course-progress.js';
import type { Logger } from '../config/logger.js';
import type { Db } from '../db/database.js';
import { loadCourseRoster, NrpsNotGrantedError } from '../lti/nrps/course-roster.js';
import { NrpsPlatformError } from '../lti/nrps/fetch-roster.js';
import type { PlatformServices } from '../lti/platform-services.js';
import { courseRoleFromLtiRoles } from '../lti/roles.js';

/**
 * The learners of the LMS course roster, for pages that must stand without it: `listed` with
 * the learners, or `notGranted` (the LMS gives the tool no roster) or `unavailable` (the LMS
 * failed or refused just now) with none, logged once; any other failure is thrown. A freshly
 * fetched roster also gives its members the LMS statements that waited for them.
 */
export type RosterLearners =
  | { readonly status: 'listed'; readonly learners: RosterLearner[]; readonly fetchedAt: Date }
  | {
      readonly status: 'notGranted' | 'unavailable';
      readonly learners: [];
      readonly fetchedAt: null;
    };

export async function loadRosterLearners(
  deps: { db: Db; platformServices: PlatformServices; logger: Logger; kickOutbox: () => void },
  courseId: string,
): Promise<RosterLearners> {
  try {
    const roster = await loadCourseRoster(
      { db: deps.db, services: deps.platformServices },
      courseId,
    );
    // Statements the LMS sent about members who never launched become theirs, and count, now.
    if (roster.isFresh && (await claimStatementsOfRoster(deps.db, roster))) deps.kickOutbox();
    return {
      status: 'listed',
      fetchedAt: roster.fetchedAt,
      learners: roster.members
        .filter((member) => courseRoleFromLtiRoles(member.roles) === 'learner')
        .map((member) => ({
          sub: member.userId,
          name: member.name,
          email: member.email,
          username: member.username,
        })),
    };
  } catch (error) {
    if (!(error instanceof NrpsNotGrantedError || error instanceof NrpsPlatformError)) throw error;
    deps.logger.info('lti', 'page without the LMS roster', { courseId, code: error.code });
    return {
      status: error instanceof NrpsNotGrantedError ? 'notGranted' : 'unavailable',
      learners: [],
      fetchedAt: null,
    };
  }
}
