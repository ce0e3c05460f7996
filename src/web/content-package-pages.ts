import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import type { Db } from '../db/database.js';
import { NotFoundError } from '../errors.js';
import { isUuid } from '../shared/uuid.js';
import { isUploadTooLarge, singleFileUpload } from './http/single-file-upload.js';
import { requireSession, requireTeacher, sessionOf } from './http/session-auth.js';
import type { RenderView } from './views.js';

/** Why a package was refused, with the file path or name (`at`) and the limit passed. */
export interface ContentPackageProblem {
  readonly reason: string;
  readonly at?: string;
  readonly limit?: number;
}

/** What sets one kind of content package (H5P, cmi5) apart on the import page and API. */
export interface ContentPackageKind<Imported> {
  /** In the URLs: `/course/activities/<name>` and `/api/<name>/packages`. */
  name: string;
  view: string;
  /** The translation keys of the problems, `<problemKeys>.<reason>`. */
  problemKeys: string;
  uploadBytes: number;
  /** The kind's refusal error, whose `problems` the page and the API show. */
  InvalidError: abstract new (...args: never[]) => Error & {
    status: number;
    code: string;
    problems: readonly ContentPackageProblem[];
  };
  /** The packages of the course as the page lists them. */
  listPackages(courseId: string, language: string): Promise<unknown[]>;
  /** Imports one package; throws `InvalidError` when it is refused. */
  importPackage(courseId: string, upload: { bytes: Buffer; mediaType: string }): Promise<Imported>;
  /** The API's answer for an imported package. */
  presentImported(imported: Imported): unknown;
  /**
   * Refuses an API request before its body is read, by its media type: a page of another site
   * can send some with the teacher's cookie and no CORS preflight (which is never granted).
   */
  refuseApiRequest(req: Request): void;
  /** Deletes a package of the course; false when the course has none such. Without it, none. */
  deletePackage?: (courseId: string, packageId: string) => Promise<boolean>;
}

/**
 * The import page and API of a kind of content package (teachers only):
 * - `GET /course/activities/<name>` shows the upload form and the packages imported so far;
 * - `POST /course/activities/<name>` (multipart, field `package`) imports one and comes back to
 *   the page, or answers 422 with the page listing why the package was refused;
 * - `POST /api/<name>/packages` imports the request body and answers 201 with the package, or
 *   422 with the error's code and `problems`. It needs no form token: the kind refuses, unread,
 *   every body a page of another site could send without a preflight;
 * - with `deletePackage`, `POST /course/activities/<name>/:packageId/delete` (form) and
 *   `DELETE /api/<name>/packages/:packageId` (204) delete a package of the course; another
 *   course's package, or none, answers 404.
 */
export function createContentPackagePages<Imported>(
  deps: { db: Db; render: RenderView; requireCsrfToken: RequestHandler },
  kind: ContentPackageKind<Imported>,
): Router {
  const { db, render, requireCsrfToken } = deps;
  const router = express.Router();
  const teacher = [requireSession(db), requireTeacher];
  const page = `/course/activities/${kind.name}`;
  const api = `/api/${kind.name}/packages`;
  const statuses = kind.deletePackage ? ['imported', 'deleted'] : ['imported'];
  const problemsOf = (error: unknown) => {
    if (!(error instanceof kind.InvalidError)) throw error;
    return error;
  };

  const renderPage = async (res: Response, problems: readonly ContentPackageProblem[] = []) => {
    const { courseId, locale } = sessionOf(res);
    return render(res, kind.view, {
      packages: await kind.listPackages(courseId, locale ?? 'en'),
      problems: problems.map((problem) => ({
        key: `${kind.problemKeys}.${problem.reason}`,
        values: { at: problem.at ?? '', limit: limitShown(problem) },
      })),
      status: statuses.find((known) => known === res.req.query.status) ?? null,
      maxMegabytes: kind.uploadBytes / (1024 * 1024),
    });
  };

  router.get(page, ...teacher, async (_req, res) => {
    res.send(await renderPage(res));
  });

  router.post(
    page,
    ...teacher,
    singleFileUpload({
      field: 'package',
      maxFileBytes: kind.uploadBytes,
      maxFields: 10,
      maxFieldBytes: 10 * 1024,
    }),
    requireCsrfToken,
    async (req, res) => {
      const file = req.file;
      const problems: ContentPackageProblem[] = [];
      if (isUploadTooLarge(res)) {
        problems.push({ reason: 'uploadTooLarge', limit: kind.uploadBytes });
      } else if (!file || file.size === 0) {
        problems.push({ reason: 'notAPackage' });
      } else {
        try {
          await kind.importPackage(sessionOf(res).courseId, {
            bytes: file.buffer,
            mediaType: mediaTypeOf(file),
          });
          res.redirect(303, `${page}?status=imported`);
          return;
        } catch (error) {
          problems.push(...problemsOf(error).problems);
        }
      }
      res.status(422).send(await renderPage(res, problems));
    },
  );

  const answerRefused = (res: Response, error: unknown) => {
    const refused = problemsOf(error);
    res.status(refused.status).json({
      error: { code: refused.code, message: refused.message, problems: refused.problems },
    });
  };

  router.post(
    api,
    ...teacher,
    (req, res, next) => {
      try {
        kind.refuseApiRequest(req);
      } catch (error) {
        answerRefused(res, error);
        return;
      }
      next();
    },
    express.raw({ type: () => true, limit: kind.uploadBytes }),
    async (req, res) => {
      const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      try {
        const imported = await kind.importPackage(sessionOf(res).courseId, {
          bytes,
          mediaType: req.get('Content-Type') ?? '',
        });
        res.status(201).json({ package: kind.presentImported(imported) });
      } catch (error) {
        answerRefused(res, error);
      }
    },
  );

  const { deletePackage } = kind;
  if (deletePackage) {
    const deleteOwnPackage = async (res: Response, packageId: string) => {
      const isDeleted =
        isUuid(packageId) && (await deletePackage(sessionOf(res).courseId, packageId));
      if (!isDeleted) throw new NotFoundError(`This course has no such ${kind.name} package.`);
    };

    router.post(
      `${page}/:packageId/delete`,
      ...teacher,
      express.urlencoded({ extended: false, limit: '4kb' }),
      requireCsrfToken,
      async (req, res) => {
        await deleteOwnPackage(res, String(req.params.packageId));
        res.redirect(303, `${page}?status=deleted`);
      },
    );

    router.delete(`${api}/:packageId`, ...teacher, async (req, res) => {
      await deleteOwnPackage(res, String(req.params.packageId));
      res.status(204).end();
    });
  }

  return router;
}

/** A browser names a .xml file text/xml or application/xml, sometimes octet-stream. */
function mediaTypeOf(file: Express.Multer.File): string {
  if (file.originalname.toLowerCase().endsWith('.xml')) return 'text/xml';
  return file.mimetype;
}

/** Byte limits are shown in megabytes, counts as they are. */
function limitShown(problem: ContentPackageProblem): number {
  const inBytes = ['uploadTooLarge', 'zipTooLarge', 'xmlTooLarge'].includes(problem.reason);
  return inBytes ? Math.round((problem.limit ?? 0) / (1024 * 1024)) : (problem.limit ?? 0);
}
