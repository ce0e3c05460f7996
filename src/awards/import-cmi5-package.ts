import type { Db } from '../db/database.js';
import {
  ausOf,
  blocksOf,
  type Cmi5Au,
  type LangString,
} from '../xapi/cmi5-package/course-structure.js';
import { insertPackage, type StoredPackage } from '../xapi/cmi5-package/package-store.js';
import { readPackage } from '../xapi/cmi5-package/read-package.js';
import { upsertCourseActivity } from './course-activities.js';

/**
 * Where an AU is launched from: its absolute url as it is, or a relative one under the path
 * that serves the package's files (web/cmi5-content-router.ts).
 */
export function auLaunchUrl(
  publicUrl: string,
  stored: Pick<StoredPackage, 'id' | 'hasFiles'>,
  au: Pick<Cmi5Au, 'url'>,
): string {
  if (!stored.hasFiles || /^[A-Za-z][A-Za-z0-9+.-]*:/.test(au.url)) return au.url;
  return `${publicUrl.replace(/\/$/, '')}/content/cmi5/${stored.id}/${au.url}`;
}

/**
 * Imports a cmi5 package into a course: reads and validates it (read-package.ts, which throws
 * Cmi5PackageInvalidError), stores it with its files, and describes its course, blocks and AUs
 * as activities of the course under their cmi5 IRIs, named by their titles, each AU with the
 * URL it is launched from (a file of the package, or its absolute url). In one transaction:
 * a refused or failed import leaves nothing.
 */
export async function importCmi5Package(options: {
  db: Db;
  courseId: string;
  publicUrl: string;
  bytes: Buffer;
  mediaType: string;
}): Promise<StoredPackage> {
  const { db, courseId, publicUrl } = options;
  const read = await readPackage(options.bytes, options.mediaType);
  return db.transaction(async (tx) => {
    const stored = await insertPackage(tx, courseId, read);
    const described = [
      { id: read.course.id, title: read.course.title, launchUrl: null },
      ...blocksOf(read.course).map((block) => ({
        id: block.id,
        title: block.title,
        launchUrl: null,
      })),
      ...ausOf(read.course).map((au) => ({
        id: au.id,
        title: au.title,
        launchUrl: auLaunchUrl(publicUrl, stored, au),
      })),
    ];
    for (const activity of described) {
      const { name, names } = namesOf(activity.title, activity.id);
      await upsertCourseActivity(tx, courseId, {
        activityId: activity.id,
        name,
        names,
        launchUrl: activity.launchUrl,
        tags: {},
      });
    }
    return stored;
  });
}

/** The activity's name (English, else the first title) and its other languages by base code. */
function namesOf(
  title: readonly LangString[],
  fallback: string,
): { name: string; names: Record<string, string> } {
  const english = title.find((text) => text.lang.toLowerCase().startsWith('en'));
  const name = (english ?? title[0])?.value.slice(0, 200) || fallback;
  const names: Record<string, string> = {};
  for (const text of title) {
    const language = text.lang.split('-')[0]?.toLowerCase() ?? '';
    if (language && language !== 'en' && !(language in names) && text.value) {
      names[language] = text.value.slice(0, 200);
    }
  }
  return { name, names };
}
