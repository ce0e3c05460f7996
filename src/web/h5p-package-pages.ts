import type { Request, RequestHandler, Router } from 'express';
import { importH5pPackage, type ImportedH5pPackage } from '../awards/import-h5p-package.js';
import type { Db } from '../db/database.js';
import { BadRequestError } from '../errors.js';
import { H5pPackageInvalidError } from '../xapi/h5p-package/h5p-package-problem.js';
import { h5pActivityIri, listCourseH5pPackages } from '../xapi/h5p-package/h5p-package-store.js';
import { H5P_PACKAGE_LIMITS } from '../xapi/h5p-package/read-h5p-package.js';
import { createContentPackagePages } from './content-package-pages.js';
import type { RenderView } from './views.js';

/**
 * Importing H5P packages into the course as activities, on the content package page and API
 * (content-package-pages.ts says which routes): `/course/activities/h5p` and `/api/h5p/packages`,
 * which answers 201 with the package, its activity id and player URL, or 422
 * `H5P_PACKAGE_INVALID`. The API takes only a zip media type, which no page of another origin
 * (H5P content included) can send without a CORS preflight: a `text/plain` body, which such a
 * page can send with the session cookie, is refused unread with 400.
 */
export function createH5pPackagePages(deps: {
  db: Db;
  publicUrl: string;
  contentUrl: string | undefined;
  render: RenderView;
  requireCsrfToken: RequestHandler;
}): Router {
  const { db, publicUrl, contentUrl } = deps;
  return createContentPackagePages<ImportedH5pPackage>(deps, {
    name: 'h5p',
    view: 'teacher-h5p-import',
    problemKeys: 'teacher-course:h5pImport.problems',
    uploadBytes: H5P_PACKAGE_LIMITS.uploadBytes,
    InvalidError: H5pPackageInvalidError,
    listPackages: async (courseId) =>
      (await listCourseH5pPackages(db, courseId)).map((stored) => ({
        title: stored.title,
        activityId: h5pActivityIri(publicUrl, stored.id),
        mainLibrary: stored.mainLibrary,
        importedAt: `${stored.createdAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
      })),
    importPackage: (courseId, { bytes }) =>
      importH5pPackage({ db, courseId, publicUrl, contentUrl, bytes }),
    presentImported: ({ stored, activityId, playerUrl }) => ({
      id: stored.id,
      title: stored.title,
      mainLibrary: stored.mainLibrary,
      fileCount: stored.fileCount,
      activityId,
      playerUrl,
    }),
    refuseApiRequest: requireZipBody,
  });
}

const ZIP_MEDIA_TYPES = [
  'application/zip',
  'application/x-zip-compressed',
  'application/octet-stream',
];

function requireZipBody(req: Request): void {
  if (!req.is(ZIP_MEDIA_TYPES)) {
    throw new BadRequestError(
      'Send the .h5p file as the request body, with Content-Type: application/zip.',
    );
  }
}
