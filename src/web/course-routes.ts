import express, { type Router } from 'express';
import { findCourseAchievement, listCourseAchievements } from '../awards/course-achievements.js';
import {
  createAchievement,
  publishAchievement,
  updateAchievement,
  type Achievement,
} from '../awards/create-achievement.js';
import { findCourseAndUserNames } from '../lti/lms-users.js';
import type { Db } from '../db/database.js';
import { BadRequestError, NotFoundError } from '../errors.js';
import { teacherAchievementList } from './achievement-pages.js';
import { LMS_HAND_OFF_PATH } from './admin/admin-pages.js';
import { learnerPageData } from './learner-page.js';
import { requireJsonBody } from './http/require-json-body.js';
import { requireSession, requireTeacher, sessionOf } from './http/session-auth.js';
import type { RenderView } from './views.js';

/**
 * The course a launch opened: `GET /course` (the learner's progress and credentials, or the
 * teacher's list of achievements) and the teacher's JSON API `GET|POST /api/achievements`,
 * `PATCH /api/achievements/:id` and `POST /api/achievements/:id/publish`. An achievement is a
 * draft, which awards nothing, until `"publish": true` in a POST or PATCH or the publish call.
 * A change sent with `If-Match` (the ETag of an answer) is refused with 412 when the
 * achievement was changed since.
 */
export function createCourseRouter(deps: {
  db: Db;
  publicUrl: string;
  render: RenderView;
  /** Called after an achievement was saved: its re-evaluation is queued. */
  kickOutbox: () => void;
  /** Whether the admin pages are on (MICROCRED_ADMIN_TOKEN set), for LMS administrators. */
  adminPagesOn: boolean;
  /** Whether the tool sends email: the learner page then offers the choice to get none. */
  isMailOn: boolean;
}): Router {
  const { db, publicUrl, render, kickOutbox, isMailOn } = deps;
  const router = express.Router();
  const session = requireSession(db);

  router.get('/course', session, async (_req, res) => {
    const { userId, courseId, role, isLmsAdministrator } = sessionOf(res);
    const names = await findCourseAndUserNames(db, courseId, userId);
    const page = {
      courseTitle: names?.courseTitle ?? null,
      userName: names?.userName ?? names?.userSub ?? '',
    };
    if (role === 'teacher') {
      res.send(
        render(res, 'course-teacher', {
          ...page,
          ...(await teacherAchievementList(db, res)),
          adminPagesHref: isLmsAdministrator && deps.adminPagesOn ? LMS_HAND_OFF_PATH : null,
        }),
      );
      return;
    }
    res.send(
      render(res, 'course-learner', {
        ...page,
        ...(await learnerPageData(db, publicUrl, { userId, courseId }, isMailOn)),
      }),
    );
  });

  router.get('/api/achievements', session, requireTeacher, async (_req, res) => {
    const rows = await listCourseAchievements(db, sessionOf(res).courseId);
    res.json({ achievements: rows.map(presentAchievement) });
  });

  router.post(
    '/api/achievements',
    session,
    requireTeacher,
    express.json({ limit: '100kb' }),
    async (req, res) => {
      const { courseId } = sessionOf(res);
      const achievement = await db.transaction((tx) => createAchievement(tx, courseId, req.body));
      kickOutbox();
      res.status(201).location(`/api/achievements/${achievement.id}`);
      sendAchievement(res, achievement);
    },
  );

  router.patch(
    '/api/achievements/:id',
    session,
    requireTeacher,
    express.json({ limit: '100kb' }),
    async (req, res) => {
      const owned = await ownedAchievement(res, req.params.id);
      const basedOnRevision = ifMatchRevision(req);
      const updated = await db.transaction((tx) =>
        updateAchievement(tx, owned.id, req.body, { basedOnRevision }),
      );
      kickOutbox();
      sendAchievement(res, updated);
    },
  );

  // A JSON body ({}), which no cross-site form can send, stands in for a CSRF token.
  router.post(
    '/api/achievements/:id/publish',
    session,
    requireTeacher,
    requireJsonBody('{}'),
    async (req, res) => {
      const owned = await ownedAchievement(res, req.params.id);
      const basedOnRevision = ifMatchRevision(req);
      const published = await db.transaction((tx) =>
        publishAchievement(tx, owned.id, { basedOnRevision }),
      );
      kickOutbox();
      sendAchievement(res, published);
    },
  );

  /** The achievement of the session's course with this id; NotFoundError for any other. */
  const ownedAchievement = async (res: express.Response, param: unknown) => {
    const id = String(param);
    const owned = /^[0-9a-f-]{36}$/i.test(id)
      ? await findCourseAchievement(db, sessionOf(res).courseId, id)
      : undefined;
    if (!owned) throw new NotFoundError(`No achievement ${id} in this course`);
    return owned;
  };

  return router;
}

/** The achievement as JSON, with its revision as the ETag a later If-Match sends back. */
function sendAchievement(res: express.Response, achievement: Achievement) {
  res.set('ETag', `"revision-${achievement.revision}"`).json(presentAchievement(achievement));
}

/**
 * The revision an If-Match names (`"revision-3"`, the ETag of an answer, or the `revision` of
 * the list): the change is refused if the achievement is no longer at it. None without If-Match
 * or with `*`: the change applies to whatever is stored.
 */
function ifMatchRevision(req: express.Request): number | undefined {
  const ifMatch = req.get('If-Match')?.trim();
  if (ifMatch === undefined || ifMatch === '*') return undefined;
  const revision = /^"revision-([1-9][0-9]{0,8})"$/.exec(ifMatch)?.[1];
  if (revision === undefined) {
    throw new BadRequestError(
      'If-Match must be one ETag of the achievement as an answer gave it, as "revision-3" (quotes included), or *',
    );
  }
  return Number(revision);
}

function presentAchievement(achievement: Achievement) {
  const { courseId: _courseId, createdAt, ...fields } = achievement;
  return { ...fields, createdAt: createdAt.toISOString() };
}
