import express, { type RequestHandler, type Router } from 'express';
import {
  AchievementCopyStackedMissingError,
  copyAchievement,
  copyTargets,
} from '../awards/copy-achievement.js';
import { achievementWithTags } from '../awards/group-tags.js';
import type { Db } from '../db/database.js';
import { NotFoundError } from '../errors.js';
import { isUuid } from '../shared/uuid.js';
import { requireSession, requireTeacher, sessionOf } from './http/session-auth.js';
import type { RenderView } from './views.js';

/**
 * Copying an achievement to another course: `GET /course/achievements/:id/copy` lists the other
 * courses of the same platform the teacher teaches; `POST` the same path (CSRF, field `course`)
 * copies the achievement with its rule, group tags and activities there as a draft
 * (awards/copy-achievement.ts) and answers 303 back with the course named; a stack whose
 * stacked achievements have no copy there yet is refused with 409 and the page naming them.
 * Who may: a teacher of both courses.
 */
export function createAchievementCopyPages(deps: {
  db: Db;
  render: RenderView;
  requireCsrfToken: RequestHandler;
}): Router {
  const { db, render, requireCsrfToken } = deps;
  const router = express.Router();
  const teacher = [requireSession(db), requireTeacher];
  const form = express.urlencoded({ extended: false, limit: '4kb' });

  router.get('/course/achievements/:id/copy', ...teacher, async (req, res) => {
    const { courseId, userId } = sessionOf(res);
    const achievement = await achievementWithTags(db, courseId, achievementIdOf(req.params.id));
    const targets = await copyTargets(db, userId, courseId);
    const copiedTo = targets.find((target) => target.id === req.query.copied) ?? null;
    res.set('Cache-Control', 'no-store').send(
      render(res, 'teacher-achievement-copy', {
        achievement,
        targets,
        copiedTo,
        chosenId: null,
        stackedMissing: null,
      }),
    );
  });

  router.post(
    '/course/achievements/:id/copy',
    ...teacher,
    form,
    requireCsrfToken,
    async (req, res) => {
      const { courseId, userId } = sessionOf(res);
      const achievementId = achievementIdOf(req.params.id);
      const target = String((req.body as Record<string, unknown>).course ?? '');
      if (!isUuid(target)) throw new NotFoundError('Choose one of the courses you teach.');
      try {
        await db.transaction((tx) =>
          copyAchievement(tx, {
            userId,
            fromCourseId: courseId,
            achievementId,
            toCourseId: target.toLowerCase(),
          }),
        );
      } catch (error) {
        if (!(error instanceof AchievementCopyStackedMissingError)) throw error;
        const achievement = await achievementWithTags(db, courseId, achievementId);
        const targets = await copyTargets(db, userId, courseId);
        const chosen = targets.find((item) => item.id === target.toLowerCase());
        res.status(error.status).send(
          render(res, 'teacher-achievement-copy', {
            achievement,
            targets,
            copiedTo: null,
            chosenId: chosen?.id ?? null,
            stackedMissing: {
              course: chosen?.title ?? '',
              missing: error.missing.map((item) => item.name),
            },
          }),
        );
        return;
      }
      res.redirect(
        303,
        `/course/achievements/${achievementId}/copy?copied=${encodeURIComponent(target.toLowerCase())}`,
      );
    },
  );

  return router;
}

function achievementIdOf(raw: unknown): string {
  const id = String(raw);
  if (!isUuid(id)) throw new NotFoundError(`No achievement ${id} in this course`);
  return id.toLowerCase();
}
