/** The IRIs cmi5 defines (cmi5 sections 9.3, 9.4, 9.5.5, 9.6), by what they name. */
export const CMI5_VERBS = {
  launched: 'http://adlnet.gov/expapi/verbs/launched',
  initialized: 'http://adlnet.gov/expapi/verbs/initialized',
  completed: 'http://adlnet.gov/expapi/verbs/completed',
  passed: 'http://adlnet.gov/expapi/verbs/passed',
  failed: 'http://adlnet.gov/expapi/verbs/failed',
  abandoned: 'https://w3id.org/xapi/adl/verbs/abandoned',
  waived: 'https://w3id.org/xapi/adl/verbs/waived',
  terminated: 'http://adlnet.gov/expapi/verbs/terminated',
  satisfied: 'https://w3id.org/xapi/adl/verbs/satisfied',
} as const;

export type Cmi5Verb = keyof typeof CMI5_VERBS;

/** Verbs only the LMS uses (sections 9.3.1, 9.3.6, 9.3.7, 9.3.9): an AU sending them is refused. */
export const LMS_ONLY_VERBS: readonly Cmi5Verb[] = ['launched', 'abandoned', 'waived', 'satisfied'];

export const CMI5_CATEGORY = 'https://w3id.org/xapi/cmi5/context/categories/cmi5';
export const MOVE_ON_CATEGORY = 'https://w3id.org/xapi/cmi5/context/categories/moveon';

export const CMI5_EXTENSIONS = {
  sessionId: 'https://w3id.org/xapi/cmi5/context/extensions/sessionid',
  masteryScore: 'https://w3id.org/xapi/cmi5/context/extensions/masteryscore',
  launchMode: 'https://w3id.org/xapi/cmi5/context/extensions/launchmode',
  launchUrl: 'https://w3id.org/xapi/cmi5/context/extensions/launchurl',
  moveOn: 'https://w3id.org/xapi/cmi5/context/extensions/moveon',
  launchParameters: 'https://w3id.org/xapi/cmi5/context/extensions/launchparameters',
} as const;

export const REASON_EXTENSION = 'https://w3id.org/xapi/cmi5/result/extensions/reason';

export const ACTIVITY_TYPES = {
  block: 'https://w3id.org/xapi/cmi5/activitytype/block',
  course: 'https://w3id.org/xapi/cmi5/activitytype/course',
} as const;

/** The state document the LMS writes before each launch (section 10). */
export const LAUNCH_DATA_STATE_ID = 'LMS.LaunchData';
/** The agent profile document of learner preferences (section 11). */
export const LEARNER_PREFERENCES_PROFILE_ID = 'cmi5LearnerPreferences';

/** Reasons for a waiver that section 9.5.5.2 lists. */
export const WAIVER_REASONS = [
  'Tested Out',
  'Equivalent AU',
  'Equivalent Outside Activity',
  'Administrative',
] as const;
export type WaiverReason = (typeof WAIVER_REASONS)[number];

export function verbNameOf(verbId: string): Cmi5Verb | undefined {
  return (Object.keys(CMI5_VERBS) as Cmi5Verb[]).find((name) => CMI5_VERBS[name] === verbId);
}
