import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import {
  auLaunchUrl,
  importCmi5Package,
  type ImportedPackage,
} from '../awards/import-cmi5-package.js';
import type { Db } from '../db/database.js';
import { ausOf, blocksOf, textIn } from '../xapi/cmi5-package/course-structure.js';
import { deletePackage, listCoursePackages } from '../xapi/cmi5-package/package-store.js';
import { NotFoundError } from '../errors.js';
import { isUuid } from '../shared/uuid.js';
import {
  Cmi5PackageInvalidError,
  type PackageProblem,
} from '../xapi/cmi5-package/package-problem.js';
import { PACKAGE_LIMITS } from '../xapi/cmi5-package/read-package.js';
import { isUploadTooLarge, singleFileUpload } from './http/single-file-upload.js';
import { requireSession, requireTeacher, sessionOf } from './http/session-auth.js';
import type { RenderView } from './views.js';

const STATUS_MESSAGES = ['imported', 'deleted'] as const;

/**
 * Importing cmi5 packages into the course (teachers only):
 * - `GET /course/activities/cmi5` shows the upload form and the packages imported so far;
 * - `POST /course/activities/cmi5` (multipart, field `package`) imports one and comes back to
 *   the page, or answers 422 with the page listing why the package was refused;
 * - `POST /api/cmi5/packages` imports the request body (`application/zip`, or `text/xml` /
 *   `application/xml` for a bare cmi5.xml) and answers 201 with the package and its AUs in
 *   document order, or 422 `CMI5_PACKAGE_INVALID` with `problems`. Browsers never send such a
 *   body cross-site without a CORS preflight, which is never granted, so it needs no form token;
 * - `POST /course/activities/cmi5/:packageId/delete` (form) and `DELETE /api/cmi5/packages/:id`
 *   (204) delete a package of the course (package-store.ts says what goes with it); another
 *   course's package, or none, answers 404.
 */
export function createCmi5PackagePages(deps: {
  db: Db;
  publicUrl: string;
  render: RenderView;
  requireCsrfToken: RequestHandler;
}): Router {
  const { db, publicUrl, render, requireCsrfToken } = deps;
  const router = express.Router();
  const teacher = [requireSession(db), requireTeacher];

  const renderPage = async (
    res: Response,
    options: { problems?: readonly PackageProblem[] } = {},
  ) => {
    const { courseId, locale: language } = sessionOf(res);
    const packages = await listCoursePackages(db, courseId);
    const status = STATUS_MESSAGES.find((known) => known === res.req.query.status) ?? null;
    return render(res, 'teacher-cmi5-import', {
      packages: packages.map((stored) => ({
        title: textIn(stored.course.title, language ?? 'en') || stored.course.id,
        courseIri: stored.course.id,
        auCount: ausOf(stored.course).length,
        blockCount: blocksOf(stored.course).length,
        hasFiles: stored.hasFiles,
        deleteAction: `/course/activities/cmi5/${stored.id}/delete`,
        importedAt: `${stored.createdAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
      })),
      problems: (options.problems ?? []).map((problem) => ({
        key: `teacher-course:cmi5Import.problems.${problem.reason}`,
        values: { at: problem.at ?? '', limit: limitShown(problem) },
      })),
      status,
      maxMegabytes: PACKAGE_LIMITS.uploadBytes / (1024 * 1024),
    });
  };

  router.get('/course/activities/cmi5', ...teacher, async (_req, res) => {
    res.send(await renderPage(res));
  });

  router.post(
    '/course/activities/cmi5',
    ...teacher,
    singleFileUpload({
      field: 'package',
      maxFileBytes: PACKAGE_LIMITS.uploadBytes,
      maxFields: 10,
      maxFieldBytes: 10 * 1024,
    }),
    requireCsrfToken,
    async (req, res) => {
      const file = req.file;
      const problems: PackageProblem[] = [];
      if (isUploadTooLarge(res)) {
        problems.push({ reason: 'uploadTooLarge', limit: PACKAGE_LIMITS.uploadBytes });
      } else if (!file || file.size === 0) {
        problems.push({ reason: 'notAPackage' });
      } else {
        try {
          await importCmi5Package({
            db,
            courseId: sessionOf(res).courseId,
            publicUrl,
            bytes: file.buffer,
            mediaType: mediaTypeOf(file),
          });
          res.redirect(303, '/course/activities/cmi5?status=imported');
          return;
        } catch (error) {
          if (!(error instanceof Cmi5PackageInvalidError)) throw error;
          problems.push(...error.problems);
        }
      }
      res.status(422).send(await renderPage(res, { problems }));
    },
  );

  const form = express.urlencoded({ extended: false, limit: '4kb' });
  const deleteOwnPackage = async (res: Response, packageId: string) => {
    const courseId = sessionOf(res).courseId;
    const isDeleted =
      isUuid(packageId) && (await db.transaction((tx) => deletePackage(tx, courseId, packageId)));
    if (!isDeleted) throw new NotFoundError('This course has no such cmi5 package.');
  };

  router.post(
    '/course/activities/cmi5/:packageId/delete',
    ...teacher,
    form,
    requireCsrfToken,
    async (req, res) => {
      await deleteOwnPackage(res, String(req.params.packageId));
      res.redirect(303, '/course/activities/cmi5?status=deleted');
    },
  );

  router.delete('/api/cmi5/packages/:packageId', ...teacher, async (req, res) => {
    await deleteOwnPackage(res, String(req.params.packageId));
    res.status(204).end();
  });

  router.post(
    '/api/cmi5/packages',
    ...teacher,
    express.raw({ type: () => true, limit: PACKAGE_LIMITS.uploadBytes }),
    async (req, res) => {
      const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      try {
        refuseCrossSiteBody(req);
        const imported = await importCmi5Package({
          db,
          courseId: sessionOf(res).courseId,
          publicUrl,
          bytes,
          mediaType: req.get('Content-Type') ?? '',
        });
        res.status(201).json({ package: presentPackage(imported, publicUrl) });
      } catch (error) {
        if (!(error instanceof Cmi5PackageInvalidError)) throw error;
        res.status(error.status).json({
          error: { code: error.code, message: error.message, problems: error.problems },
        });
      }
    },
  );

  return router;
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

/** A browser names a .xml file text/xml or application/xml, sometimes octet-stream. */
function mediaTypeOf(file: Express.Multer.File): string {
  if (file.originalname.toLowerCase().endsWith('.xml')) return 'text/xml';
  return file.mimetype;
}

/** Byte limits are shown in megabytes, counts as they are. */
function limitShown(problem: PackageProblem): number {
  const inBytes = ['uploadTooLarge', 'zipTooLarge', 'xmlTooLarge'].includes(problem.reason);
  return inBytes ? Math.round((problem.limit ?? 0) / (1024 * 1024)) : (problem.limit ?? 0);
}
