import express, { type RequestHandler, type Response, type Router } from 'express';
import { importH5pPackage } from '../awards/import-h5p-package.js';
import type { Db } from '../db/database.js';
import { BadRequestError } from '../errors.js';
import {
  H5pPackageInvalidError,
  type H5pPackageProblem,
} from '../xapi/h5p-package/h5p-package-problem.js';
import { h5pActivityIri, listCourseH5pPackages } from '../xapi/h5p-package/h5p-package-store.js';
import { H5P_PACKAGE_LIMITS } from '../xapi/h5p-package/read-h5p-package.js';
import { isUploadTooLarge, singleFileUpload } from './http/single-file-upload.js';
import { requireSession, requireTeacher, sessionOf } from './http/session-auth.js';
import type { RenderView } from './views.js';

/**
 * Importing H5P packages into the course as activities (teachers only):
 * - `GET /course/activities/h5p` shows the upload form and the packages imported so far;
 * - `POST /course/activities/h5p` (multipart, field `package`) imports one and comes back to the
 *   page, or answers 422 with the page listing why the package was refused;
 * - `POST /api/h5p/packages` imports the request body (the .h5p zip) and answers 201 with the
 *   package, its activity id and player URL, or 422 `H5P_PACKAGE_INVALID` with `problems`.
 *   It takes only a zip media type, which no page of another origin (H5P content included)
 *   can send without a CORS preflight, never granted: it needs no form token. A `text/plain`
 *   body, which such a page can send with the session cookie, is refused unread.
 */
export function createH5pPackagePages(deps: {
  db: Db;
  publicUrl: string;
  contentUrl: string | undefined;
  render: RenderView;
  requireCsrfToken: RequestHandler;
}): Router {
  const { db, publicUrl, contentUrl, render, requireCsrfToken } = deps;
  const router = express.Router();
  const teacher = [requireSession(db), requireTeacher];

  const renderPage = async (
    res: Response,
    options: { problems?: readonly H5pPackageProblem[] } = {},
  ) => {
    const packages = await listCourseH5pPackages(db, sessionOf(res).courseId);
    return render(res, 'teacher-h5p-import', {
      packages: packages.map((stored) => ({
        title: stored.title,
        activityId: h5pActivityIri(publicUrl, stored.id),
        mainLibrary: stored.mainLibrary,
        importedAt: `${stored.createdAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
      })),
      problems: (options.problems ?? []).map((problem) => ({
        key: `teacher-course:h5pImport.problems.${problem.reason}`,
        values: { at: problem.at ?? '', limit: limitShown(problem) },
      })),
      status: res.req.query.status === 'imported' ? 'imported' : null,
      maxMegabytes: H5P_PACKAGE_LIMITS.uploadBytes / (1024 * 1024),
    });
  };

  const importBytes = (res: Response, bytes: Buffer) =>
    importH5pPackage({ db, courseId: sessionOf(res).courseId, publicUrl, contentUrl, bytes });

  router.get('/course/activities/h5p', ...teacher, async (_req, res) => {
    res.send(await renderPage(res));
  });

  router.post(
    '/course/activities/h5p',
    ...teacher,
    singleFileUpload({
      field: 'package',
      maxFileBytes: H5P_PACKAGE_LIMITS.uploadBytes,
      maxFields: 10,
      maxFieldBytes: 10 * 1024,
    }),
    requireCsrfToken,
    async (req, res) => {
      const file = req.file;
      const problems: H5pPackageProblem[] = [];
      if (isUploadTooLarge(res)) {
        problems.push({ reason: 'uploadTooLarge', limit: H5P_PACKAGE_LIMITS.uploadBytes });
      } else if (!file || file.size === 0) {
        problems.push({ reason: 'notAPackage' });
      } else {
        try {
          await importBytes(res, file.buffer);
          res.redirect(303, '/course/activities/h5p?status=imported');
          return;
        } catch (error) {
          if (!(error instanceof H5pPackageInvalidError)) throw error;
          problems.push(...error.problems);
        }
      }
      res.status(422).send(await renderPage(res, { problems }));
    },
  );

  router.post(
    '/api/h5p/packages',
    ...teacher,
    requireZipBody,
    express.raw({ type: () => true, limit: H5P_PACKAGE_LIMITS.uploadBytes }),
    async (req, res) => {
      const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      try {
        const { stored, activityId, playerUrl } = await importBytes(res, bytes);
        res.status(201).json({
          package: {
            id: stored.id,
            title: stored.title,
            mainLibrary: stored.mainLibrary,
            fileCount: stored.fileCount,
            activityId,
            playerUrl,
          },
        });
      } catch (error) {
        if (!(error instanceof H5pPackageInvalidError)) throw error;
        res.status(error.status).json({
          error: { code: error.code, message: error.message, problems: error.problems },
        });
      }
    },
  );

  return router;
}

const ZIP_MEDIA_TYPES = [
  'application/zip',
  'application/x-zip-compressed',
  'application/octet-stream',
];

const requireZipBody: RequestHandler = (req, _res, next) => {
  if (!req.is(ZIP_MEDIA_TYPES)) {
    throw new BadRequestError(
      'Send the .h5p file as the request body, with Content-Type: application/zip.',
    );
  }
  next();
};

/** Byte limits are shown in megabytes, counts as they are. */
function limitShown(problem: H5pPackageProblem): number {
  const inBytes = problem.reason === 'uploadTooLarge' || problem.reason === 'zipTooLarge';
  return inBytes ? Math.round((problem.limit ?? 0) / (1024 * 1024)) : (problem.limit ?? 0);
}
