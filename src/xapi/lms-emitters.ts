/**
 * LMS activities as the LMS's own xAPI emitter describes them: where each emitter puts the
 * result of an activity (a quiz, an assignment, a lesson …) and how it writes scores. One row
 * per emitter; an emitter for Canvas or Open edX is one more row.
 *
 * A rule names the LMS activity (for Moodle the course module, `…/mod/quiz/view.php?id=15`).
 * The emitter often reports the result on a sub-item of it instead: Moodle's quiz attempt
 * `…/mod/quiz/attempt.php?attempt=1&cmid=15` carries the score and success, and names the quiz
 * in `context.contextActivities.parent`. Such a statement is evidence about the sub-item and
 * about the activity. Only sub-items listed here count: Moodle also names the quiz as the
 * parent of every answered question, whose `success` says nothing about the quiz.
 *
 * Statements count this way only when the LMS sent them server to server (source `platform`):
 * content could name any parent.
 */
import type { StatementSource } from './statement-rows.js';
import type { Activity, Score, Statement } from './statement.js';

/** A kind of sub-item whose results are results of the LMS activity it names as a parent. */
export interface LmsSubItem {
  /** What it is, for people reading the table. */
  readonly name: string;
  /** Its `object.definition.type`. */
  readonly activityType: string;
  /** The verbs that report a result about it. */
  readonly verbIds: readonly string[];
}

export interface LmsEmitter {
  readonly name: string;
  /** True for a statement this emitter produced. */
  readonly recognises: (statement: Statement) => boolean;
  /** The parent that is the LMS activity (the first in `parent`, then `grouping`, that matches). */
  readonly activityId: RegExp;
  /** The IRIs of what holds activities (the course, a section): never what a rule is about. */
  readonly containerId: RegExp;
  /**
   * How its scores read: `scaled` as xAPI defines it, or `range` when `scaled` is not the share
   * of the maximum and the share must come from `raw`, `min` and `max`.
   */
  readonly score: 'scaled' | 'range';
  readonly subItems: readonly LmsSubItem[];
}

const LEARNING_LOCKER_INFO = 'http://lrs.learninglocker.net/define/extensions/info';

/** The emitters the tool knows, Moodle first. */
export const LMS_EMITTERS: readonly LmsEmitter[] = [
  {
    // xAPI-vle/moodle-logstore_xapi (v5.0.1): every statement carries its event in the Learning
    // Locker info extension. Its `scaled` is 2 × share − 1 (utils/get_scaled_score.php), so a
    // quiz passed at 80 % says 0.6: the share comes from raw, min and max.
    name: 'Moodle logstore_xapi',
    recognises: (statement) => {
      const info = statement.context?.extensions?.[LEARNING_LOCKER_INFO];
      return typeof info === 'object' && info !== null && 'event_name' in info;
    },
    // A course module by its page (transformer/utils/get_activity/course_module.php).
    activityId: /\/mod\/[a-z0-9_]+\/view\.php\?id=\d+$/,
    containerId: /\/course\/(view|section)\.php\?id=\d+$/,
    score: 'range',
    subItems: [
      {
        name: 'quiz attempt (mod_quiz attempt_submitted)',
        activityType: 'http://adlnet.gov/expapi/activities/attempt',
        verbIds: ['http://adlnet.gov/expapi/verbs/completed'],
      },
      {
        name: 'graded assignment submission (mod_assign assignment_graded)',
        activityType: 'https://xapi.edlm/profiles/edlm-lms/concepts/activity-types/submission',
        verbIds: ['https://w3id.org/xapi/tla/verbs/scored'],
      },
      {
        name: 'ended lesson (mod_lesson lesson_ended)',
        activityType: 'https://xapi.edlm/profiles/edlm-lms/concepts/activity-types/lesson-session',
        verbIds: ['http://adlnet.gov/expapi/verbs/completed'],
      },
    ],
  },
];

/** What a statement tells about one activity's outcome. */
export interface ActivityEvidence {
  readonly activityId: string;
  readonly verbId: string;
  readonly success: boolean | null;
  readonly completion: boolean | null;
  /** The share of the maximum score, as rules read it (`scoreAtLeast`). */
  readonly scoreScaled: number | null;
}

/**
 * The activities a statement is evidence about, with its result: its object (when an Activity)
 * and, for a statement an LMS emitter sent about a sub-item, the LMS activity it belongs to.
 * Pure and cheap: it runs for every stored statement.
 */
export function activityEvidence(
  statement: Statement,
  source: StatementSource,
  emitters: readonly LmsEmitter[] = LMS_EMITTERS,
): ActivityEvidence[] {
  const { object, result, verb } = statement;
  if (object.objectType !== undefined && object.objectType !== 'Activity') return [];
  const emitter = source === 'platform' ? emitters.find((e) => e.recognises(statement)) : undefined;
  const outcome = {
    verbId: verb.id,
    success: result?.success ?? null,
    completion: result?.completion ?? null,
    scoreScaled: scoreShare(result?.score, emitter?.score ?? 'scaled'),
  };
  const evidence: ActivityEvidence[] = [{ activityId: object.id, ...outcome }];
  const lmsActivity = emitter && lmsActivityOf(statement, object, emitter);
  if (lmsActivity && lmsActivity !== object.id) {
    evidence.push({ activityId: lmsActivity, ...outcome });
  }
  return evidence;
}

/** The LMS activity a sub-item statement reports on, or null when it is no such statement. */
function lmsActivityOf(statement: Statement, object: Activity, emitter: LmsEmitter) {
  const type = object.definition?.type;
  const isSubItem = emitter.subItems.some(
    (item) => item.activityType === type && item.verbIds.includes(statement.verb.id),
  );
  if (!isSubItem) return null;
  const { parent = [], grouping = [] } = statement.context?.contextActivities ?? {};
  return (
    [...parent, ...grouping].find((activity) => emitter.activityId.test(activity.id))?.id ?? null
  );
}

function scoreShare(score: Score | undefined, kind: LmsEmitter['score']): number | null {
  if (!score) return null;
  if (kind === 'range') {
    const { raw, min, max } = score;
    if (raw !== undefined && min !== undefined && max !== undefined && max > min) {
      return Math.min(1, Math.max(0, (raw - min) / (max - min)));
    }
  }
  return score.scaled ?? null;
}
