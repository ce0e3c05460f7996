import type { Db } from '../db/database.js';
import {
  h5pActivityIri,
  h5pPlayerUrl,
  insertH5pPackage,
  type StoredH5pPackage,
} from '../xapi/h5p-package/h5p-package-store.js';
import { H5pContentHostMissingError } from '../xapi/h5p-package/h5p-package-problem.js';
import { readH5pPackage } from '../xapi/h5p-package/read-h5p-package.js';
import { upsertCourseActivity } from './course-activities.js';

export interface ImportedH5pPackage {
  readonly stored: StoredH5pPackage;
  /** The activity IRI its statements are about; H5P sub-content is `<activityId>?subContentId=…`. */
  readonly activityId: string;
  /** The player page the course's content launch opens. */
  readonly playerUrl: string;
}

/**
 * Imports an .h5p package into a course: reads and validates it (read-h5p-package.ts, which
 * throws H5pPackageInvalidError), stores it with its files, and describes it as an activity of
 * the course named by its title and launched in the tool's H5P player. In one transaction: a
 * refused or failed import leaves nothing. Throws H5pContentHostMissingError when the tool has no
 * content host to play it on.
 */
export async function importH5pPackage(options: {
  db: Db;
  courseId: string;
  publicUrl: string;
  contentUrl: string | undefined;
  bytes: Buffer;
}): Promise<ImportedH5pPackage> {
  const { db, courseId, publicUrl, contentUrl } = options;
  if (contentUrl === undefined) throw new H5pContentHostMissingError();
  const read = await readH5pPackage(options.bytes);
  return db.transaction(async (tx) => {
    const stored = await insertH5pPackage(tx, courseId, read);
    const activityId = h5pActivityIri(publicUrl, stored.id);
    const playerUrl = h5pPlayerUrl(contentUrl, stored.id);
    await upsertCourseActivity(tx, courseId, {
      activityId,
      name: read.title.slice(0, 200),
      names: {},
      launchUrl: playerUrl,
      tags: {},
    });
    return { stored, activityId, playerUrl };
  });
}
