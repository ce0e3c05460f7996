/**
 * What an activity IRI is to the LMS that sent it, from the IRI alone: one of the course's own
 * activities (a quiz, an assignment …: what a teacher names in a rule), a container (the site,
 * the course, a section: never what a rule is about), or anything else (xAPI content, an
 * attempt, a question), by the patterns of the LMS emitters (xapi/lms-emitters.ts).
 */
import { LMS_EMITTERS } from '../xapi/lms-emitters.js';

export type ActivityKind = 'lmsActivity' | 'lmsContainer' | 'other';

/**
 * The kind of `activityId`; `lmsAddress` is the LMS's own address (its LTI issuer, which for
 * Moodle is its wwwroot), which the LMS uses as the IRI of the site itself.
 */
export function activityKind(activityId: string, lmsAddress: string | null): ActivityKind {
  if (lmsAddress !== null && trimSlashes(activityId) === trimSlashes(lmsAddress)) {
    return 'lmsContainer';
  }
  if (LMS_EMITTERS.some((emitter) => emitter.activityId.test(activityId))) return 'lmsActivity';
  if (LMS_EMITTERS.some((emitter) => emitter.containerId.test(activityId))) return 'lmsContainer';
  return 'other';
}

function trimSlashes(iri: string): string {
  return iri.replace(/\/+$/, '').toLowerCase();
}
