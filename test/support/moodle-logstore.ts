import { readFileSync } from 'node:fs';

/**
 * The statements Moodle's logstore_xapi plugin (xAPI-vle/moodle-logstore_xapi v5.0.1) sends for
 * one Moodle event, from the templates in test/xapi/moodle-logstore/ (written from the plugin's
 * transformers: events/mod_quiz/*, events/core/course_module_completion_updated, utils/get_user,
 * get_attempt_result, get_scaled_score). The plugin sends no statement ids: the LRS assigns them.
 */
export type MoodleEvent =
  | 'attempt-started'
  | 'attempt-submitted'
  | 'attempt-reviewed'
  | 'course-module-completion-updated'
  | 'assignment-graded';

/** A Moodle user as the plugin reads it. */
export interface MoodleUser {
  readonly id: string;
  readonly username: string;
  readonly email: string;
  readonly fullname: string;
}

/** The plugin's actor settings: the default (user id), "send username", "send mbox". */
export type MoodleActorSetting = 'user-id' | 'send_username' | 'send_mbox';

/** The actor utils/get_user.php makes for a user under a setting (with "send name" on). */
export function moodleActor(wwwroot: string, user: MoodleUser, setting: MoodleActorSetting) {
  if (setting === 'send_mbox') return { name: user.fullname, mbox: `mailto:${user.email}` };
  const name = setting === 'send_username' ? user.username : user.id;
  return { name: user.fullname, account: { homePage: wwwroot, name } };
}

export interface MoodleEventValues {
  readonly wwwroot: string;
  readonly actor: object;
  /** The course module id of the quiz or assignment. */
  readonly cmid: number;
  readonly attempt?: number;
  /** The grade out of 10. */
  readonly raw?: number;
  /** Whether the grade reaches the grade to pass. */
  readonly success?: boolean;
  readonly instructor?: object;
  readonly courseId?: number;
  readonly registration?: string;
  readonly timestamp?: string;
}

const TEMPLATES = new URL('../xapi/moodle-logstore/', import.meta.url);

export function moodleStatements(event: MoodleEvent, values: MoodleEventValues): unknown[] {
  const raw = values.raw ?? 0;
  const exact: Record<string, unknown> = {
    $ACTOR: values.actor,
    $INSTRUCTOR: values.instructor ?? {
      name: 'Grace Hopper',
      account: { homePage: values.wwwroot, name: '2' },
    },
    $RAW: raw,
    // utils/get_scaled_score.php: (raw − min) / (max − min) × 2 − 1.
    $SCALED: (raw / 10) * 2 - 1,
    $SUCCESS: values.success ?? raw >= 8,
  };
  const words: Record<string, string> = {
    $WWWROOT: values.wwwroot,
    $CMID: String(values.cmid),
    $ATTEMPT: String(values.attempt ?? 1),
    $COURSE_ID: String(values.courseId ?? 2),
    $SECTION_ID: '3',
    $REGISTRATION: values.registration ?? '3f0b5a8e-6c1d-5d2e-9a47-1b2c3d4e5f60',
    $TIMESTAMP: values.timestamp ?? '2026-12-06T09:30:00+00:00',
  };
  const fill = (value: unknown): unknown => {
    if (typeof value === 'string') {
      if (value in exact) return exact[value];
      return value.replace(/\$[A-Z_]+/g, (word) => words[word] ?? word);
    }
    if (Array.isArray(value)) return value.map(fill);
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, fill(item)]));
    }
    return value;
  };
  const template = JSON.parse(
    readFileSync(new URL(`${event}.json`, TEMPLATES), 'utf8'),
  ) as unknown[];
  return template.map(fill);
}
