import { eq } from 'drizzle-orm';
import { badgeDesignSchema, type BadgeDesign } from '../badges/badge-design.js';
import type { Tx } from '../db/database.js';
import { achievements } from '../db/schema.js';

/**
 * The badge designer's choices that drew the achievement's image, or null when its image was not
 * designed (or was replaced since, which clears them: see updateAchievement). A stored design
 * that no longer checks against badgeDesignSchema (a choice since withdrawn) reads as none.
 */
export function badgeDesignOf(achievement: { readonly badgeDesign: unknown }): BadgeDesign | null {
  if (achievement.badgeDesign === null) return null;
  const parsed = badgeDesignSchema.safeParse(achievement.badgeDesign);
  return parsed.success ? parsed.data : null;
}

/**
 * Stores the choices that drew the achievement's current image, in the caller's transaction;
 * call it after the update that set that image.
 */
export async function storeBadgeDesign(
  tx: Tx,
  achievementId: string,
  design: BadgeDesign,
): Promise<void> {
  await tx
    .update(achievements)
    .set({ badgeDesign: { ...design } })
    .where(eq(achievements.id, achievementId));
}
