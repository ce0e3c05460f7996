import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/database.js';
import { achievementLineItems } from '../../db/schema.js';
import type { PlatformServices } from '../platform-services.js';
import {
  canReadLineItems,
  createLineItem,
  deleteLineItem,
  findLineItem,
  readLineItem,
  type Gradebook,
  type LineItem,
} from './post-score.js';

/** The maximum of a column the tool creates. */
export const CREATED_SCORE_MAXIMUM = 100;

/** The tag of an achievement's column: what deep linking sets, and older tool versions created. */
export function achievementLineItemTag(achievementId: string): string {
  return `microcred:achievement:${achievementId}`;
}

/**
 * The gradebook column of an achievement in its course, never that of another activity: the
 * one remembered (the deep-linked activity's, learned at launch, or one found before), else the
 * course's line item whose `resourceId` (or tag) is the achievement, else a new one the tool
 * creates. What it finds or creates is remembered; a remembered column the platform no longer
 * has is forgotten. Two jobs creating the same column at once keep the first stored, and the
 * other deletes its own. Throws NoGradebookError when the platform lets the tool neither find
 * nor create the column.
 */
export async function achievementLineItem(
  deps: { db: Db; services: PlatformServices },
  gradebook: Gradebook,
  achievement: { id: string; courseId: string; name: string },
): Promise<LineItem> {
  const { db, services } = deps;
  const key = and(
    eq(achievementLineItems.courseId, achievement.courseId),
    eq(achievementLineItems.achievementId, achievement.id),
  );
  const [remembered] = await db.select().from(achievementLineItems).where(key);
  if (remembered) {
    if (!canReadLineItems(gradebook)) return { id: remembered.lineItemUrl, scoreMaximum: null };
    const item = await readLineItem(services, gradebook, remembered.lineItemUrl);
    if (item) return item;
    await db
      .delete(achievementLineItems)
      .where(and(key, eq(achievementLineItems.lineItemUrl, remembered.lineItemUrl)));
  }

  const wanted = { resourceId: achievement.id, tag: achievementLineItemTag(achievement.id) };
  const found = canReadLineItems(gradebook)
    ? await findLineItem(services, gradebook, wanted)
    : null;
  const item =
    found ??
    (await createLineItem(services, gradebook, {
      ...wanted,
      label: achievement.name,
      scoreMaximum: CREATED_SCORE_MAXIMUM,
    }));
  const [stored] = await db
    .insert(achievementLineItems)
    .values({ courseId: achievement.courseId, achievementId: achievement.id, lineItemUrl: item.id })
    .onConflictDoNothing()
    .returning();
  if (stored || found) return item;
  const [winner] = await db.select().from(achievementLineItems).where(key);
  if (!winner || winner.lineItemUrl === item.id) return item;
  await deleteLineItem(services, gradebook, item.id);
  return achievementLineItem(deps, gradebook, achievement);
}
