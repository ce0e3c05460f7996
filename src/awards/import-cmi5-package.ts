import type { Db } from '../db/database.js';
import type { Cmi5Au, LangString } from '../xapi/cmi5-package/course-structure.js';
import { insertPackage, type StoredPackage } from '../xapi/cmi5-package/package-store.js';
import { readPackage } from '../xapi/cmi5-package/read-package.js';
import { saveCourseStructure, type SavedPart } from '../xapi/cmi5-package/save-course-structure.js';
import { addCourseActivitiesIfNew } from './course-activities.js';

export interface ImportedPackage {
  readonly stored: StoredPackage;
  /** The course, its blocks and its AUs (AUs in document order) with their activity ids. */
  readonly parts: readonly SavedPart[];
}

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
 * Cmi5PackageInvalidError), stores it with its files, writes its course, blocks and AUs into
 * the cmi5 tables with their moveOn, masteryScore and launch URL (save-course-structure.ts),
 * and describes each as an activity of the course under the activity id the LMS reports it
 * with, named by its titles. In one transaction: a refused or failed import leaves nothing.
 */
export async function importCmi5Package(options: {
  db: Db;
  courseId: string;
  publicUrl: string;
  bytes: Buffer;
  mediaType: string;
}): Promise<ImportedPackage> {
  const { db, courseId, publicUrl } = options;
  const read = await readPackage(options.bytes, options.mediaType);
  return db.transaction(async (tx) => {
    const stored = await insertPackage(tx, courseId, read);
    const parts = await saveCourseStructure(tx, {
      courseId,
      publicUrl,
      packageId: stored.id,
      course: read.course,
      urlOf: (au) => auLaunchUrl(publicUrl, stored, au),
    });
    await addCourseActivitiesIfNew(
      tx,
      courseId,
      parts.map((part) => ({ activityId: part.activityIri, ...namesOf(part.title, part.iri) })),
    );
    return { stored, parts };
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
