/**
 * What an activity IRI is to the LMS that sent it, from the IRI alone: one of the course's own
 * activities (a quiz, an assignment …: what a teacher names in a rule), a container (the site,
 * the course, a section: never what a rule is about), or anything else (xAPI content, an
 * attempt, a question). One row per LMS and pattern; a new LMS is new rows.
 */

export type ActivityKind = 'lmsActivity' | 'lmsContainer' | 'other';

interface ActivityPattern {
  readonly lms: string;
  readonly kind: Exclude<ActivityKind, 'other'>;
  /** Matched against the IRI's path and query, after the LMS's own address. */
  readonly pattern: RegExp;
}

const ACTIVITY_PATTERNS: readonly ActivityPattern[] = [
  // logstore_xapi names a course module by its page (transformer/utils/get_activity/course_module.php).
  { lms: 'moodle', kind: 'lmsActivity', pattern: /\/mod\/[a-z0-9_]+\/view\.php\?id=\d+$/ },
  { lms: 'moodle', kind: 'lmsContainer', pattern: /\/course\/(view|section)\.php\?id=\d+$/ },
];

/**
 * The kind of `activityId`; `lmsAddress` is the LMS's own address (its LTI issuer, which for
 * Moodle is its wwwroot), which the LMS uses as the IRI of the site itself.
 */
export function activityKind(activityId: string, lmsAddress: string | null): ActivityKind {
  if (lmsAddress !== null && trimSlashes(activityId) === trimSlashes(lmsAddress)) {
    return 'lmsContainer';
  }
  return ACTIVITY_PATTERNS.find(({ pattern }) => pattern.test(activityId))?.kind ?? 'other';
}

function trimSlashes(iri: string): string {
  return iri.replace(/\/+$/, '').toLowerCase();
}
