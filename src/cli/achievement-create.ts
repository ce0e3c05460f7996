import { parseArgs } from 'node:util';
import { eq } from 'drizzle-orm';
import { createAchievement } from '../awards/create-achievement.js';
import { courses } from '../db/schema.js';
import { BadRequestError } from '../errors.js';
import type { CommandContext } from './command-context.js';
import { isUuid } from '../shared/uuid.js';

export const usage =
  'microcred achievement create --course COURSE_ID --name NAME --description TEXT --criteria TEXT --rule JSON [--ects N] [--eqf-level N] [--publish]';

/**
 * `microcred achievement create`: defines an achievement of a course (see `course list`), a
 * draft that awards nothing unless `--publish` is given.
 */
export async function achievementCreate(context: CommandContext, args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      course: { type: 'string' },
      name: { type: 'string' },
      description: { type: 'string' },
      criteria: { type: 'string' },
      rule: { type: 'string' },
      ects: { type: 'string' },
      'eqf-level': { type: 'string' },
      publish: { type: 'boolean' },
    },
  });
  const [course] = isUuid(values.course ?? '')
    ? await context.db
        .select({ id: courses.id })
        .from(courses)
        .where(eq(courses.id, values.course as string))
    : [];
  if (!course)
    throw new BadRequestError('--course must name a known course (see microcred course list)');
  let rule: unknown;
  try {
    rule = JSON.parse(values.rule ?? '');
  } catch {
    throw new BadRequestError(
      '--rule must be JSON, e.g. \'{"passed":"https://example.org/quiz"}\'',
    );
  }
  const achievement = await context.db.transaction((tx) =>
    createAchievement(tx, course.id, {
      name: values.name,
      description: values.description,
      criteria: values.criteria,
      rule,
      ects: values.ects === undefined ? null : Number(values.ects),
      eqfLevel: values['eqf-level'] === undefined ? null : Number(values['eqf-level']),
      publish: values.publish === true,
    }),
  );
  context.out(
    JSON.stringify({
      id: achievement.id,
      name: achievement.name,
      version: achievement.version,
      isPublished: achievement.publishedAt !== null,
    }),
  );
}
