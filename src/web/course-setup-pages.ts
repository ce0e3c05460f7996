import express, { type RequestHandler, type Response, type Router } from 'express';
import { listCourseAchievements } from '../awards/course-achievements.js';
import { listCourseActivities } from '../awards/course-activities.js';
import {
  COURSE_SETUP_SCHEMA_PATH,
  courseSetupJsonSchema,
} from '../awards/course-setup/course-setup-schema.js';
import { exportCourseSetup } from '../awards/course-setup/export-course-setup.js';
import {
  checkCourseSetup,
  CourseSetupImportError,
  importCourseSetup,
  type SetupProblem,
} from '../awards/course-setup/import-course-setup.js';
import type { Db } from '../db/database.js';
import { findCourseAndUserNames } from '../lti/lms-users.js';
import { isUploadTooLarge, singleFileUpload } from './http/single-file-upload.js';
import { requireSession, requireTeacher, sessionOf } from './http/session-auth.js';
import type { RenderView } from './views.js';

const MAX_FILE_BYTES = 5 * 1024 * 1024;

/**
 * Copying a course's set-up to a course of another platform (an open self-study copy):
 * - `GET /course/setup` shows what the file holds and the form to import one;
 * - `GET /course/setup/export` downloads the course's set-up file (course-setup-schema.ts);
 * - `POST /course/setup/import` checks an uploaded file completely, then imports it into the
 *   teacher's course in one transaction (nothing is written when anything is wrong) and lists
 *   every problem with its place in the file;
 * - `GET /schemas/course-setup-1.json` is the file's JSON Schema, public.
 * Only a teacher of the course the session is in may export or import: importing into a course
 * means launching into it from its LMS as its teacher.
 */
export function createCourseSetupPages(deps: {
  db: Db;
  publicUrl: string;
  render: RenderView;
  requireCsrfToken: RequestHandler;
  /** Called after an import: the new achievements' rule index work is queued. */
  kickOutbox: () => void;
}): Router {
  const { db, publicUrl, render, requireCsrfToken, kickOutbox } = deps;
  const router = express.Router();
  const teacherOnly: RequestHandler[] = [requireSession(db), requireTeacher];

  const renderPage = async (
    res: Response,
    page: { problems?: readonly SetupProblem[]; fileName?: string | null; status?: number },
  ) => {
    const { courseId } = sessionOf(res);
    const [activities, achievements] = await Promise.all([
      listCourseActivities(db, courseId),
      listCourseAchievements(db, courseId),
    ]);
    const query = res.req.query;
    const imported =
      typeof query.imported === 'string'
        ? {
            achievements: Number(query.imported) || 0,
            added: Number(query.added) || 0,
            bound: Number(query.bound) || 0,
          }
        : null;
    res.status(page.status ?? 200).send(
      render(res, 'teacher-course-setup', {
        activityCount: activities.length,
        achievementCount: achievements.length,
        problems: (page.problems ?? []).map(placeOf),
        fileName: page.fileName ?? null,
        imported,
        maxFileMegabytes: MAX_FILE_BYTES / (1024 * 1024),
        schemaUrl: `${publicUrl}${COURSE_SETUP_SCHEMA_PATH}`,
      }),
    );
  };

  router.get('/course/setup', ...teacherOnly, async (_req, res) => {
    await renderPage(res, {});
  });

  router.get('/course/setup/export', ...teacherOnly, async (_req, res) => {
    const { courseId, userId } = sessionOf(res);
    const names = await findCourseAndUserNames(db, courseId, userId);
    const now = new Date();
    const setup = await exportCourseSetup(db, courseId, {
      now,
      courseTitle: names?.courseTitle ?? null,
      schemaUrl: `${publicUrl}${COURSE_SETUP_SCHEMA_PATH}`,
    });
    const date = now.toISOString().slice(0, 10);
    res
      .type('application/json')
      .attachment(`course-setup-${date}.json`)
      .send(`${JSON.stringify(setup, null, 2)}\n`);
  });

  router.post(
    '/course/setup/import',
    ...teacherOnly,
    singleFileUpload({
      field: 'file',
      maxFileBytes: MAX_FILE_BYTES,
      maxFields: 10,
      maxFieldBytes: 10 * 1024,
    }),
    requireCsrfToken,
    async (req, res) => {
      const file = req.file;
      const fileName = file?.originalname ?? null;
      if (isUploadTooLarge(res)) {
        await renderPage(res, {
          problems: [
            { at: 'file', message: `is larger than ${MAX_FILE_BYTES / (1024 * 1024)} MB` },
          ],
          fileName,
          status: 413,
        });
        return;
      }
      if (!file || file.size === 0) {
        await renderPage(res, {
          problems: [{ at: 'file', message: 'choose a set-up file' }],
          status: 422,
        });
        return;
      }
      let input: unknown;
      try {
        input = JSON.parse(file.buffer.toString('utf8'));
      } catch {
        await renderPage(res, {
          problems: [{ at: 'file', message: 'is not a JSON file' }],
          fileName,
          status: 422,
        });
        return;
      }
      const checked = checkCourseSetup(input);
      if (checked.problems) {
        await renderPage(res, { problems: checked.problems, fileName, status: 422 });
        return;
      }
      const { courseId } = sessionOf(res);
      let summary;
      try {
        summary = await db.transaction((tx) => importCourseSetup(tx, courseId, checked.setup));
      } catch (error) {
        if (!(error instanceof CourseSetupImportError)) throw error;
        await renderPage(res, { problems: error.problems, fileName, status: 422 });
        return;
      }
      kickOutbox();
      const query = new URLSearchParams({
        imported: String(summary.achievements.length),
        added: String(summary.activitiesAdded),
        bound: String(summary.activitiesBound),
      });
      res.redirect(303, `/course/setup?${query}`);
    },
  );

  router.get(COURSE_SETUP_SCHEMA_PATH, (_req, res) => {
    res.type('application/schema+json').json(courseSetupJsonSchema());
  });

  return router;
}

/**
 * A problem's place for people: which row of the file (activity or achievement, counted from 1)
 * and which field, from its path such as `achievements[1].definition.ects`.
 */
function placeOf(problem: SetupProblem) {
  const row = /^(activities|achievements)\[(\d+)\]\.?(.*)$/.exec(problem.at);
  return {
    kind: row ? (row[1] === 'activities' ? 'activity' : 'achievement') : 'file',
    number: row ? Number(row[2]) + 1 : null,
    field: row
      ? row[3]!.replace(/^definition\.?/, '') || null
      : problem.at === 'file'
        ? null
        : problem.at,
    message: problem.message,
  };
}
