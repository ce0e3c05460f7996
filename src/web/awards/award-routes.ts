import express, { type RequestHandler, type Response, type Router } from 'express';
import type { Logger } from '../../config/logger.js';
import type { Db } from '../../db/database.js';
import { NotFoundError } from '../../errors.js';
import { awardsNeedingAttention, courseAwards } from '../../awards/course-awards.js';
import { setAchievementTags, setActivityTags } from '../../awards/group-tags.js';
import { previewRule } from '../../awards/rule-preview.js';
import type { PlatformServices } from '../../lti/platform-services.js';
import { isUuid } from '../../shared/uuid.js';
import { loadRosterLearners } from '../roster-learners.js';

/**
 * The teacher's JSON API for awards, for the course of the session:
 * `POST /api/rules/preview` {rule, ects} → who would be awarded, and refused stacks with why,
 * with the LMS roster's learners who never launched as not started (`roster` says whether the
 * roster could be read: `listed`, `notGranted` or `unavailable`);
 * `GET /api/awards` → the course's awards with form, evidence and flags;
 * `GET /api/awards/attention` → refused stacks and flagged credentials;
 * `PUT /api/activity-tags` {activity, tags}; `PUT /api/achievements/:id/tags` {tags}.
 * `teacherOnly` and `courseIdOf` come from the web part (awards never import it).
 */
export function createAwardRouter(deps: {
  db: Db;
  teacherOnly: RequestHandler[];
  courseIdOf: (res: Response) => string;
  platformServices: PlatformServices;
  logger: Logger;
  kickOutbox: () => void;
}): Router {
  const { db, teacherOnly, courseIdOf } = deps;
  const router = express.Router();
  const json = express.json({ limit: '100kb' });

  router.post('/api/rules/preview', ...teacherOnly, json, async (req, res) => {
    const body = (req.body ?? {}) as {
      rule?: unknown;
      ects?: number | null;
      stackCredit?: unknown;
    };
    const courseId = courseIdOf(res);
    const roster = await loadRosterLearners(deps, courseId);
    const learners = await previewRule(db, courseId, {
      rule: body.rule,
      ects: body.ects,
      stackCredit: body.stackCredit,
      roster: roster.learners,
    });
    res.json({ learners, roster: roster.status });
  });
  router.get('/api/awards', ...teacherOnly, async (_req, res) => {
    res.json({ awards: await courseAwards(db, courseIdOf(res)) });
  });
  router.get('/api/awards/attention', ...teacherOnly, async (_req, res) => {
    res.json({ items: await awardsNeedingAttention(db, courseIdOf(res)) });
  });
  router.put('/api/activity-tags', ...teacherOnly, json, async (req, res) => {
    res.json(await setActivityTags(db, courseIdOf(res), req.body));
  });
  router.put(`/api/achievements/:id/tags`, ...teacherOnly, json, async (req, res) => {
    const id = String(req.params.id);
    if (!isUuid(id)) throw new NotFoundError(`No achievement ${id} in this course`);
    res.json(await setAchievementTags(db, courseIdOf(res), id, req.body));
  });
  return router;
}
