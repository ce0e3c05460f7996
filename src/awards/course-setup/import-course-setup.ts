import type { Tx } from '../../db/database.js';
import { AwardRuleInvalidError, BadRequestError, MicrocredError } from '../../errors.js';
import { addCourseActivityIfNew } from '../course-activities.js';
import { createAchievement, updateAchievement } from '../create-achievement.js';
import { setAchievementTags } from '../group-tags.js';
import { renameStackedAchievements } from '../rules/rename-stacked-achievements.js';
import { achievementsOfRule, parseRule } from '../rules/rule-schema.js';
import { courseSetupSchema, type CourseSetup } from './course-setup-schema.js';

/**
 * The course refused a row of a checked file (e.g. a supervision level its platform cannot
 * declare); the caller's transaction must roll back, so nothing of the file is stored.
 */
export class CourseSetupImportError extends BadRequestError {
  override readonly code = 'COURSE_SETUP_INVALID';
  override readonly status = 422;
  /** The rows refused, each with its place in the file. */
  readonly problems: readonly SetupProblem[];
  constructor(message: string, problems: readonly SetupProblem[] = [{ at: 'file', message }]) {
    super(message);
    this.problems = problems;
  }
}

/** One thing wrong with a set-up file: where (`achievements[1].definition.ects`) and what. */
export interface SetupProblem {
  readonly at: string;
  readonly message: string;
}

export interface ImportSummary {
  /** Activities the file describes that the course did not: added with the file's names and tags. */
  readonly activitiesAdded: number;
  /** Activities the course already described (same IRI): bound to, and left as they are. */
  readonly activitiesBound: number;
  /** The achievements made, as drafts, by their ids in the file. */
  readonly achievements: readonly { readonly fileId: string; readonly id: string }[];
}

/**
 * Checks a set-up file completely before anything is written: its shape with each achievement's
 * definition (course-setup-schema.ts), each rule, and that every `earned` condition names
 * an achievement of the same file. Gives every problem found, each with its place in the file.
 */
export function checkCourseSetup(
  input: unknown,
): { setup: CourseSetup; problems: null } | { problems: SetupProblem[] } {
  const parsed = courseSetupSchema.safeParse(input);
  if (!parsed.success) {
    return {
      problems: parsed.error.issues.map((issue) => ({
        at: pathOf(issue.path),
        message:
          issue.code === 'unrecognized_keys'
            ? `has unknown field ${issue.keys.join(', ')}`
            : issue.message,
      })),
    };
  }
  const setup = parsed.data;
  const problems: SetupProblem[] = [];
  const fileIds = new Set<string>();
  setup.achievements.forEach((entry, index) => {
    if (fileIds.has(entry.id)) {
      problems.push({ at: `achievements[${index}].id`, message: 'repeats an id above' });
    }
    fileIds.add(entry.id);
  });
  setup.achievements.forEach((entry, index) => {
    const rule = entry.definition.rule;
    if (rule === undefined || rule === null) return;
    try {
      const checked = parseRule(rule);
      for (const stacked of achievementsOfRule(checked)) {
        if (!fileIds.has(stacked)) {
          problems.push({
            at: `achievements[${index}].definition.rule`,
            message: `stacks the achievement ${stacked}, which is not in this file`,
          });
        }
      }
    } catch (error) {
      if (!(error instanceof AwardRuleInvalidError)) throw error;
      problems.push({
        at: `achievements[${index}].definition.${error.message.split(' ')[0] ?? 'rule'}`,
        message: error.message.split(' ').slice(1).join(' '),
      });
    }
  });
  return problems.length > 0 ? { problems } : { setup, problems: null };
}

/**
 * Imports a checked set-up into a course, in the caller's transaction (so a failure leaves the
 * course as it was): activities the course already describes by the same IRI are bound to and
 * left as they are, the others are added; every achievement is made anew as a draft (it awards
 * nobody until the teacher publishes it there), with its group tags, and its rule with the
 * `earned` conditions pointing at the new achievements. Throws what createAchievement throws
 * for this course (e.g. a supervision level its platform cannot declare).
 */
export async function importCourseSetup(
  tx: Tx,
  courseId: string,
  setup: CourseSetup,
): Promise<ImportSummary> {
  let activitiesAdded = 0;
  for (const activity of setup.activities) {
    const isAdded = await addCourseActivityIfNew(tx, courseId, {
      activityId: activity.iri,
      name: activity.name,
      names: activity.names,
      launchUrl: activity.launchUrl,
      tags: activity.tags,
    });
    if (isAdded) activitiesAdded += 1;
  }
  const newIds = new Map<string, string>();
  for (const [index, entry] of setup.achievements.entries()) {
    const created = await refusedAs(`achievements[${index}].definition`, () =>
      createAchievement(tx, courseId, { ...entry.definition, rule: null }),
    );
    newIds.set(entry.id, created.id);
    if (Object.keys(entry.tags).length > 0) {
      await setAchievementTags(tx, courseId, created.id, { tags: entry.tags });
    }
  }
  for (const [index, entry] of setup.achievements.entries()) {
    const rule = entry.definition.rule;
    if (rule === undefined || rule === null) continue;
    const id = newIds.get(entry.id)!;
    await refusedAs(`achievements[${index}].definition`, () =>
      updateAchievement(tx, id, {
        ...entry.definition,
        // checkCourseSetup refuses files whose rules stack an achievement they lack.
        rule: renameStackedAchievements(parseRule(rule), newIds),
      }),
    );
  }
  return {
    activitiesAdded,
    activitiesBound: setup.activities.length - activitiesAdded,
    achievements: [...newIds].map(([fileId, id]) => ({ fileId, id })),
  };
}

/** Runs a write of one row; an error the course answers with (exposed) names the row. */
async function refusedAs<T>(at: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (!(error instanceof MicrocredError) || !error.expose) throw error;
    throw new CourseSetupImportError(`${at} ${error.message}`, [{ at, message: error.message }]);
  }
}

function pathOf(path: readonly PropertyKey[]): string {
  return (
    path.reduce<string>(
      (at, part) =>
        typeof part === 'number'
          ? `${at}[${part}]`
          : at === ''
            ? String(part)
            : `${at}.${String(part)}`,
      '',
    ) || 'file'
  );
}
