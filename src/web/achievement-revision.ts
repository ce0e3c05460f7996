/**
 * The revision a teacher's page was opened on, carried by its forms (a hidden `revision` field),
 * so that saving a page opened before another teacher's save does not silently undo that save.
 */
import { AchievementChangedError, type Achievement } from '../awards/create-achievement.js';

/**
 * The revision a page's forms carry: the one the teacher's editing started from (posted by the
 * form that led here), or the achievement's own on a page opened afresh; and whether the page
 * shows the notice that another save came in between.
 */
export interface PageRevision {
  readonly revision?: number | undefined;
  readonly isChangedMeanwhile?: boolean;
}

export function revisionOfPage(achievement: Achievement, page: PageRevision) {
  return {
    revision: page.revision ?? achievement.revision,
    isChangedMeanwhile: page.isChangedMeanwhile === true,
  };
}

/**
 * The page again after a save refused because the achievement changed since the page's
 * revision: with the teacher's values, the achievement as it is now (whose revision the forms
 * then carry: saving again is a deliberate choice), the notice, and 409.
 */
export function changedMeanwhile(current: Achievement) {
  return { achievement: current, isChangedMeanwhile: true, status: 409 };
}

/** The posted `revision` field, or undefined when the form sent none (a page from before it). */
export function postedRevision(body: Record<string, unknown>): number | undefined {
  const value = body.revision;
  return typeof value === 'string' && /^[1-9][0-9]{0,8}$/.test(value) ? Number(value) : undefined;
}

/**
 * Runs the save; when the achievement changed after the page's revision, gives the achievement
 * as it is now instead, for the page to show the teacher's version again with a notice.
 */
export async function saveUnlessChanged<T>(
  save: () => Promise<T>,
): Promise<{ saved: T } | { changed: Achievement }> {
  try {
    return { saved: await save() };
  } catch (error) {
    if (error instanceof AchievementChangedError) return { changed: error.current };
    throw error;
  }
}
