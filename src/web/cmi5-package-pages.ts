import type { Request, RequestHandler, Router } from 'express';
import {
  auLaunchUrl,
  importCmi5Package,
  type ImportedPackage,
} from '../awards/import-cmi5-package.js';
import type { Db } from '../db/database.js';
import { ausOf, blocksOf, textIn } from '../xapi/cmi5-package/course-structure.js';
import { deletePackage, listCoursePackages } from '../xapi/cmi5-package/package-store.js';
import { Cmi5PackageInvalidError } from '../xapi/cmi5-package/package-problem.js';
import { PACKAGE_LIMITS } from '../xapi/cmi5-package/read-package.js';
import { createContentPackagePages } from './content-package-pages.js';
import type { RenderView } from './views.js';

/**
 * Importing cmi5 packages into the course, on the content package page and API
 * (content-package-pages.ts says which routes): `/course/activities/cmi5` and
 * `/api/cmi5/packages`, which imports the request body (`application/zip`, or `text/xml` /
 * `application/xml` for a bare cmi5.xml) and answers 201 with the package and its AUs in document
 * order, or 422 `CMI5_PACKAGE_INVALID` with `problems`. Deleting a package removes what
 * package-store.ts says goes with it.
 */
export function createCmi5PackagePages(deps: {
  db: Db;
  publicUrl: string;
  render: RenderView;
  requireCsrfToken: RequestHandler;
}): Router {
  const { db, publicUrl } = deps;
  return createContentPackagePages<ImportedPackage>(deps, {
    name: 'cmi5',
    view: 'teacher-cmi5-import',
    problemKeys: 'teacher-course:cmi5Import.problems',
    uploadBytes: PACKAGE_LIMITS.uploadBytes,
    InvalidError: Cmi5PackageInvalidError,
    listPackages: async (courseId, language) =>
      (await listCoursePackages(db, courseId)).map((stored) => ({
        title: textIn(stored.course.title, language) || stored.course.id,
        courseIri: stored.course.id,
        auCount: ausOf(stored.course).length,
        blockCount: blocksOf(stored.course).length,
        hasFiles: stored.hasFiles,
        deleteAction: `/course/activities/cmi5/${stored.id}/delete`,
        importedAt: `${stored.createdAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
      })),
    importPackage: (courseId, { bytes, mediaType }) =>
      importCmi5Package({ db, courseId, publicUrl, bytes, mediaType }),
    presentImported: (imported) => presentPackage(imported, publicUrl),
    refuseApiRequest: refuseCrossSiteBody,
    deletePackage: (courseId, packageId) =>
      db.transaction((tx) => deletePackage(tx, courseId, packageId)),
  });
}

/**
 * A page of another site can send a teacher's cookie with a body of these media types (or of
 * none) without asking first (CORS "simple" requests); a package must come with a zip or XML
 * type, which it cannot send so.
 */
const CROSS_SITE_MEDIA_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data',
];

function refuseCrossSiteBody(req: Request): void {
  const declared = req.get('Content-Type');
  if (!declared || req.is(CROSS_SITE_MEDIA_TYPES)) {
    throw new Cmi5PackageInvalidError([{ reason: 'notAPackage', at: declared || undefined }]);
  }
}

function presentPackage({ stored, parts }: ImportedPackage, publicUrl: string) {
  const aus = ausOf(stored.course);
  const auParts = parts.filter((part) => part.kind === 'au');
  return {
    id: stored.id,
    courseIri: stored.course.id,
    courseActivityId: parts.find((part) => part.kind === 'course')?.activityIri ?? null,
    hasFiles: stored.hasFiles,
    fileCount: stored.fileCount,
    blocks: parts
      .filter((part) => part.kind === 'block')
      .map((part) => ({ id: part.iri, activityId: part.activityIri })),
    aus: aus.map((au, index) => ({
      id: au.id,
      activityId: auParts[index]?.activityIri ?? null,
      url: au.url,
      launchUrl: auLaunchUrl(publicUrl, stored, au),
      moveOn: au.moveOn,
      masteryScore: au.masteryScore,
      launchMethod: au.launchMethod,
    })),
  };
}
