import { z } from 'zod';
import { achievementInputSchema } from '../create-achievement.js';

/**
 * The file a course's set-up is exported to and imported from (an open self-study copy of a
 * course on another platform): its activities with their names, launch URLs and group tags, and
 * its achievements with their definitions, group tags and rules. Versioned by `format` and
 * `version`; this zod schema is its one definition (its JSON Schema is generated from it and
 * served at COURSE_SETUP_SCHEMA_PATH).
 *
 * An achievement's `id` is its id in the course it came from, only so that `earned` conditions
 * of the rules in the same file can name it; importing gives every achievement a new id.
 * `definition` is what the teacher API takes to create an achievement (create-achievement.ts),
 * checked by that schema on import.
 */
export const COURSE_SETUP_FORMAT = 'microcred-course-setup';
export const COURSE_SETUP_VERSION = 1;
export const COURSE_SETUP_SCHEMA_PATH = '/schemas/course-setup-1.json';

const TAG_KEY = /^[\p{L}\p{N}_.:-]{1,64}$/u;
const tags = z
  .record(
    z.string().regex(TAG_KEY, 'must be a group tag name such as "pillar"'),
    z.string().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
  )
  .default({});

const absoluteIri = z
  .string()
  .max(2048, 'must be at most 2048 characters')
  .refine((value) => /^[a-z][a-z0-9+.-]*:\S+$/i.test(value) && URL.canParse(value), {
    message: 'must be an absolute IRI such as https://example.org/activities/quiz-1',
  });

const httpUrl = z
  .string()
  .max(2048, 'must be at most 2048 characters')
  .refine((value) => /^https?:\/\//i.test(value) && URL.canParse(value), {
    message: 'must be an http or https URL',
  });

const activity = z.strictObject({
  iri: absoluteIri,
  name: z.string().trim().min(1).max(200, 'must be at most 200 characters').nullable(),
  names: z.record(z.string(), z.string().max(200, 'must be at most 200 characters')).default({}),
  launchUrl: httpUrl.nullable().default(null),
  tags,
});

/** What createAchievement takes, checked as it checks it (the rule is checked on its own). */
const definition = z.record(z.string(), z.unknown()).superRefine((value, context) => {
  if ('publish' in value) {
    context.addIssue({
      code: 'custom',
      path: ['publish'],
      message: 'must not be set: imported achievements are drafts until published',
    });
  }
  const checked = achievementInputSchema.safeParse({ ...value, rule: null, publish: undefined });
  for (const issue of checked.error?.issues ?? []) {
    context.addIssue({
      code: 'custom',
      path: issue.path,
      message:
        issue.code === 'unrecognized_keys'
          ? `has unknown field ${issue.keys.join(', ')}`
          : issue.message,
    });
  }
});

const achievement = z.strictObject({
  id: z.uuid('must be the id of an achievement (a UUID)'),
  tags,
  definition,
});

export const courseSetupSchema = z.strictObject({
  $schema: z.string().optional(),
  format: z.literal(COURSE_SETUP_FORMAT, { error: `must be "${COURSE_SETUP_FORMAT}"` }),
  version: z.literal(COURSE_SETUP_VERSION, {
    error: `must be ${COURSE_SETUP_VERSION}: this version of microcred reads version ${COURSE_SETUP_VERSION} files`,
  }),
  exportedAt: z.iso.datetime().optional(),
  /** The course it came from, for people reading the file. */
  course: z.strictObject({ title: z.string().max(500).nullable() }).optional(),
  activities: z.array(activity).max(2000, 'must list at most 2000 activities'),
  achievements: z.array(achievement).max(500, 'must list at most 500 achievements'),
});

export type CourseSetup = z.infer<typeof courseSetupSchema>;
export type CourseSetupActivity = CourseSetup['activities'][number];
export type CourseSetupAchievement = CourseSetup['achievements'][number];

/** The JSON Schema of the file, generated from the zod schema. */
export function courseSetupJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(courseSetupSchema, { io: 'input', unrepresentable: 'any' });
}
