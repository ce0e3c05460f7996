import { z } from 'zod';
import type { Executor } from '../db/database.js';
import { achievements } from '../db/schema.js';
import { BadRequestError } from '../errors.js';
import { parseRule } from './rules/rule-schema.js';

/** What a teacher sends to define an achievement. */
export const achievementInputSchema = z.strictObject({
  name: z.string().trim().min(1, 'is required').max(200, 'must be at most 200 characters'),
  description: z.string().trim().min(1, 'is required').max(5000, 'must be at most 5000 characters'),
  criteria: z.string().trim().min(1, 'is required').max(5000, 'must be at most 5000 characters'),
  ects: z
    .number()
    .positive('must be more than 0')
    .max(60, 'must be at most 60')
    .nullable()
    .default(null),
  eqfLevel: z
    .number()
    .int('must be a whole number')
    .min(1, 'must be from 1 to 8')
    .max(8, 'must be from 1 to 8')
    .nullable()
    .default(null),
  rule: z.unknown(),
});

export type AchievementInput = z.input<typeof achievementInputSchema>;
export type Achievement = typeof achievements.$inferSelect;

/**
 * Validates and stores a new achievement of a course. Throws BadRequestError naming the bad
 * field, or AwardRuleInvalidError naming the bad part of the rule.
 */
export async function createAchievement(
  db: Executor,
  courseId: string,
  input: unknown,
): Promise<Achievement> {
  const parsed = achievementInputSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') || 'achievement';
    throw new BadRequestError(
      issue?.code === 'unrecognized_keys'
        ? `achievement has unknown field ${issue.keys[0]}`
        : `${field} ${issue?.message ?? 'is invalid'}`,
    );
  }
  const rule = parseRule(parsed.data.rule);
  const [achievement] = await db
    .insert(achievements)
    .values({ ...parsed.data, rule, courseId })
    .returning();
  if (!achievement) throw new Error('Insert returned no row');
  return achievement;
}
