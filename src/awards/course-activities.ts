/**
 * The activities of a course as its teacher describes them (table `course_activities`): the
 * xAPI activity IRI, a name with translations, the URL learners launch it at and the group tags
 * (`pillar=environmental`) that `distinctGroupsAtLeast` rules count.
 *
 * `parseActivityForm` checks what a form sent and answers either the activity or every problem
 * as a field and a code (no wording: the pages turn codes into messages). The db functions read
 * and write one course's activities (seen-activities.ts lists those the course has seen).
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { courseActivities } from '../db/schema.js';

export interface CourseActivity {
  readonly activityId: string;
  /**
   * The name shown where no translation for the reader's language exists; the IRI itself for an
   * activity that only has tags (set through the JSON API), which counts as not named.
   */
  readonly name: string;
  /** Translations of the name by language code. */
  readonly names: Readonly<Record<string, string>>;
  readonly launchUrl: string | null;
  readonly tags: Readonly<Record<string, string>>;
}

export type ActivityField = 'activityId' | 'name' | 'launchUrl' | 'tags' | `names.${string}`;

export interface ActivityIssue {
  readonly field: ActivityField;
  readonly code:
    | 'required'
    | 'notAbsoluteIri'
    | 'notHttpUrl'
    | 'tooLong'
    | 'tagNotPair'
    | 'tagKeyInvalid'
    | 'tagValueInvalid'
    | 'tagKeyRepeated';
  /** For tag problems: the line of the tags text, from 1. */
  readonly line?: number;
}

export type ParsedActivity =
  | { readonly ok: true; readonly activity: CourseActivity }
  | { readonly ok: false; readonly issues: readonly ActivityIssue[] };

const MAX_IRI_LENGTH = 2048;
const MAX_NAME_LENGTH = 200;
const MAX_TAG_VALUE_LENGTH = 100;
/** The same shape as the `tag` of a distinctGroupsAtLeast rule (rules/rule-schema.ts). */
const TAG_KEY = /^[\p{L}\p{N}_.:-]{1,64}$/u;

/**
 * Reads an activity form: `activityId`, `name`, `name_<language>` for each of `languages`,
 * `launchUrl` and `tags` (one `key=value` per line). Blank optional fields mean "none".
 */
export function parseActivityForm(
  form: Readonly<Record<string, unknown>>,
  languages: readonly string[],
): ParsedActivity {
  const issues: ActivityIssue[] = [];
  const text = (field: string) => (typeof form[field] === 'string' ? form[field].trim() : '');

  const activityId = text('activityId');
  if (activityId === '') issues.push({ field: 'activityId', code: 'required' });
  else if (activityId.length > MAX_IRI_LENGTH)
    issues.push({ field: 'activityId', code: 'tooLong' });
  else if (!isAbsoluteIri(activityId)) issues.push({ field: 'activityId', code: 'notAbsoluteIri' });

  const name = text('name');
  if (name === '') issues.push({ field: 'name', code: 'required' });
  else if (name.length > MAX_NAME_LENGTH) issues.push({ field: 'name', code: 'tooLong' });
  const names: Record<string, string> = {};
  for (const language of languages) {
    const translation = text(`name_${language}`);
    if (translation.length > MAX_NAME_LENGTH) {
      issues.push({ field: `names.${language}`, code: 'tooLong' });
    } else if (translation !== '') {
      names[language] = translation;
    }
  }

  const launchUrl = text('launchUrl');
  if (launchUrl.length > MAX_IRI_LENGTH) issues.push({ field: 'launchUrl', code: 'tooLong' });
  else if (launchUrl !== '' && !isHttpUrl(launchUrl)) {
    issues.push({ field: 'launchUrl', code: 'notHttpUrl' });
  }

  const tags = parseTagLines(text('tags'));
  issues.push(...tags.issues);

  if (issues.length > 0) return { ok: false, issues };
  return {
    ok: true,
    activity: {
      activityId,
      name,
      names,
      launchUrl: launchUrl === '' ? null : launchUrl,
      tags: tags.tags,
    },
  };
}

/** Reads `key=value` lines (blank lines skipped) into tags, or says which lines are wrong. */
export function parseTagLines(text: string): {
  tags: Record<string, string>;
  issues: ActivityIssue[];
} {
  const tags: Record<string, string> = {};
  const issues: ActivityIssue[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const entry = raw.trim();
    if (entry === '') return;
    const equals = entry.indexOf('=');
    if (equals === -1) {
      issues.push({ field: 'tags', code: 'tagNotPair', line });
      return;
    }
    const key = entry.slice(0, equals).trim();
    const value = entry.slice(equals + 1).trim();
    if (!TAG_KEY.test(key)) issues.push({ field: 'tags', code: 'tagKeyInvalid', line });
    else if (value === '' || value.length > MAX_TAG_VALUE_LENGTH) {
      issues.push({ field: 'tags', code: 'tagValueInvalid', line });
    } else if (Object.hasOwn(tags, key)) {
      issues.push({ field: 'tags', code: 'tagKeyRepeated', line });
    } else tags[key] = value;
  });
  return { tags, issues };
}

/** Tags as the form shows them: one `key=value` per line. */
export function formatTagLines(tags: Readonly<Record<string, string>>): string {
  return Object.entries(tags)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n');
}

/** The activity's name in `language`, else its name. */
export function activityNameIn(activity: CourseActivity, language: string): string {
  return activity.names[language] ?? activity.name;
}

function isAbsoluteIri(value: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\S+$/i.test(value) && URL.canParse(value);
}

function isHttpUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const { protocol, host } = new URL(value);
  return (protocol === 'http:' || protocol === 'https:') && host !== '';
}

const columns = {
  activityId: courseActivities.activityId,
  name: sql<string>`coalesce(${courseActivities.name}, ${courseActivities.activityId})`,
  names: courseActivities.names,
  launchUrl: courseActivities.launchUrl,
  tags: courseActivities.tags,
};

/** The described activities of a course, named ones by name first, then by IRI. */
export async function listCourseActivities(
  db: Executor,
  courseId: string,
): Promise<CourseActivity[]> {
  return db
    .select(columns)
    .from(courseActivities)
    .where(eq(courseActivities.courseId, courseId))
    .orderBy(sql`${courseActivities.name} asc nulls last`, asc(courseActivities.activityId));
}

export async function findCourseActivity(
  db: Executor,
  courseId: string,
  activityId: string,
): Promise<CourseActivity | null> {
  const [activity] = await db
    .select(columns)
    .from(courseActivities)
    .where(
      and(eq(courseActivities.courseId, courseId), eq(courseActivities.activityId, activityId)),
    );
  return activity ?? null;
}

/** Adds the activity to the course, or replaces its description when the IRI is there. */
export async function upsertCourseActivity(
  db: Executor,
  courseId: string,
  activity: CourseActivity,
): Promise<void> {
  const fields = {
    name: activity.name,
    names: { ...activity.names },
    launchUrl: activity.launchUrl,
    tags: { ...activity.tags },
  };
  await db
    .insert(courseActivities)
    .values({ courseId, activityId: activity.activityId, ...fields })
    .onConflictDoUpdate({
      target: [courseActivities.courseId, courseActivities.activityId],
      set: { ...fields, updatedAt: sql`now()` },
    });
}

/** Sets only the group tags of an activity, adding the activity when it is not described yet. */
export async function setCourseActivityTags(
  db: Executor,
  courseId: string,
  activityId: string,
  tags: Readonly<Record<string, string>>,
): Promise<void> {
  await db
    .insert(courseActivities)
    .values({ courseId, activityId, tags: { ...tags } })
    .onConflictDoUpdate({
      target: [courseActivities.courseId, courseActivities.activityId],
      set: { tags: { ...tags }, updatedAt: sql`now()` },
    });
}

/** Removes the activity's description; answers whether there was one. */
export async function deleteCourseActivity(
  db: Executor,
  courseId: string,
  activityId: string,
): Promise<boolean> {
  const deleted = await db
    .delete(courseActivities)
    .where(
      and(eq(courseActivities.courseId, courseId), eq(courseActivities.activityId, activityId)),
    )
    .returning({ activityId: courseActivities.activityId });
  return deleted.length > 0;
}

/**
 * Describes an activity the course does not describe yet, with its name, launch URL and tags;
 * leaves one it does as it is. Answers whether it was added.
 */
export async function addCourseActivityIfNew(
  db: Executor,
  courseId: string,
  activity: Omit<CourseActivity, 'name'> & { name: string | null },
): Promise<boolean> {
  const added = await db
    .insert(courseActivities)
    .values({
      courseId,
      activityId: activity.activityId,
      name: activity.name,
      names: { ...activity.names },
      launchUrl: activity.launchUrl,
      tags: { ...activity.tags },
    })
    .onConflictDoNothing()
    .returning({ activityId: courseActivities.activityId });
  return added.length > 0;
}

/**
 * Describes activities the course does not describe yet, leaving those it does as they are
 * (the teacher's names and tags win over a re-imported package's titles).
 */
export async function addCourseActivitiesIfNew(
  db: Executor,
  courseId: string,
  activities: readonly Pick<CourseActivity, 'activityId' | 'name' | 'names'>[],
): Promise<void> {
  const batchSize = 200;
  for (let start = 0; start < activities.length; start += batchSize) {
    await db
      .insert(courseActivities)
      .values(
        activities.slice(start, start + batchSize).map((activity) => ({
          courseId,
          activityId: activity.activityId,
          name: activity.name,
          names: { ...activity.names },
        })),
      )
      .onConflictDoNothing();
  }
}
