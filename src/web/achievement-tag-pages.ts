import express, { type RequestHandler, type Router } from 'express';
import { formatTagLines, parseTagLines } from '../awards/course-activities.js';
import { achievementWithTags, setAchievementTags } from '../awards/group-tags.js';
import type { Db } from '../db/database.js';
import { NotFoundError } from '../errors.js';
import { isUuid } from '../shared/uuid.js';
import { requireSession, requireTeacher, sessionOf } from './http/session-auth.js';
import type { RenderView } from './views.js';

/**
 * The group tags of an achievement as a page, so a teacher never needs the JSON API
 * (`PUT /api/achievements/:id/tags`): `GET /course/achievements/:id/tags` shows them as
 * `key=value` lines (pillar=environmental), `POST` the same path replaces them (CSRF; each bad
 * line named) and answers 303 back. Only a teacher of the achievement's course gets through.
 */
export function createAchievementTagPages(deps: {
  db: Db;
  render: RenderView;
  requireCsrfToken: RequestHandler;
}): Router {
  const { db, render, requireCsrfToken } = deps;
  const router = express.Router();
  const teacher = [requireSession(db), requireTeacher];
  const form = express.urlencoded({ extended: false, limit: '16kb' });

  router.get('/course/achievements/:id/tags', ...teacher, async (req, res) => {
    const achievement = await achievementWithTags(
      db,
      sessionOf(res).courseId,
      achievementIdOf(req.params.id),
    );
    res.set('Cache-Control', 'no-store').send(
      render(res, 'teacher-achievement-tags', {
        achievement,
        tags: formatTagLines(achievement.tags),
        errors: [],
        isSaved: req.query.saved === '1',
      }),
    );
  });

  router.post(
    '/course/achievements/:id/tags',
    ...teacher,
    form,
    requireCsrfToken,
    async (req, res) => {
      const { courseId } = sessionOf(res);
      const achievement = await achievementWithTags(db, courseId, achievementIdOf(req.params.id));
      const sent = (req.body as Record<string, unknown>).tags;
      const text = typeof sent === 'string' ? sent.replace(/\r\n/g, '\n') : '';
      const { tags, issues } = parseTagLines(text);
      if (issues.length > 0) {
        res.status(422).send(
          render(res, 'teacher-achievement-tags', {
            achievement,
            tags: text,
            errors: issues.map((issue) => ({
              key: `teacher-course:activities.errors.tags.${issue.code}`,
              values: { line: issue.line },
            })),
            isSaved: false,
          }),
        );
        return;
      }
      await setAchievementTags(db, courseId, achievement.id, { tags });
      res.redirect(303, `/course/achievements/${achievement.id}/tags?saved=1`);
    },
  );

  return router;
}

function achievementIdOf(raw: unknown): string {
  const id = String(raw);
  if (!isUuid(id)) throw new NotFoundError(`No achievement ${id} in this course`);
  return id.toLowerCase();
}
