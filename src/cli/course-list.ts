import { desc, eq } from 'drizzle-orm';
import { courses, platforms } from '../db/schema.js';
import type { CommandContext } from './command-context.js';

export const usage = 'microcred course list';

/** `microcred course list`: the courses launches have brought in, newest first. */
export async function courseList(context: CommandContext): Promise<void> {
  const rows = await context.db
    .select({
      id: courses.id,
      title: courses.title,
      contextId: courses.contextId,
      platform: platforms.issuer,
    })
    .from(courses)
    .innerJoin(platforms, eq(platforms.id, courses.platformId))
    .orderBy(desc(courses.createdAt));
  context.out(JSON.stringify(rows, null, 2));
}
